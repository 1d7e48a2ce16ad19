/**
 * The `parley` command line. Each command lives in `commands/` and registers itself here.
 *
 * Commands that act on a running agent talk to it through the admin API; commands that act on
 * files (init, certs) work offline.
 */
import 'reflect-metadata'

import { Command } from 'commander'

import { isParleyError } from '../errors.js'
import * as access from './commands/access.js'
import * as audit from './commands/audit.js'
import * as certs from './commands/certs.js'
import * as connect from './commands/connect.js'
import * as connections from './commands/connections.js'
import * as credential from './commands/credential.js'
import * as credentials from './commands/credentials.js'
import * as features from './commands/features.js'
import * as init from './commands/init.js'
import * as invite from './commands/invite.js'
import * as outbox from './commands/outbox.js'
import * as ping from './commands/ping.js'
import * as proof from './commands/proof.js'
import * as start from './commands/start.js'

const program = new Command()
  .name('parley')
  .description('A DIDComm v2 agent for Verifiable Credentials, over mutual TLS')
  .option('-c, --config <path>', 'the agent.yml to use', 'agent.yml')
  .showHelpAfterError()

// Command modules, each exporting `register(program)`; keep this list sorted.
const commandModules: { register(program: Command): void }[] = [
  access,
  audit,
  certs,
  connect,
  connections,
  credential,
  credentials,
  features,
  init,
  invite,
  outbox,
  ping,
  proof,
  start,
]

for (const module of commandModules) module.register(program)

try {
  await program.parseAsync(process.argv)
} catch (error) {
  // Coded failures are the user's to fix: say what and which code, without a stack trace.
  if (!isParleyError(error)) throw error
  process.stderr.write(`parley: ${error.code}: ${error.message}\n`)
  process.exitCode = 1
}
