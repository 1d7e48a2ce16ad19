/**
 * The `parley` command line. Each command lives in `commands/` and registers itself here.
 *
 * Commands that act on a running agent talk to it through the admin API; commands that act on
 * files (init, certs) work offline. Only the module of the command being run is loaded (all of
 * them for help), so that a quick admin call does not pay for loading the whole agent.
 */
import 'reflect-metadata'

import { Command } from 'commander'

import { isParleyError } from '../errors.js'

interface CommandModule {
  register(program: Command): void
}

// Top-level command name → its module; keep this list sorted.
const commandModules: Record<string, () => Promise<CommandModule>> = {
  access: () => import('./commands/access.js'),
  audit: () => import('./commands/audit.js'),
  certs: () => import('./commands/certs.js'),
  connect: () => import('./commands/connect.js'),
  connections: () => import('./commands/connections.js'),
  credential: () => import('./commands/credential.js'),
  credentials: () => import('./commands/credentials.js'),
  features: () => import('./commands/features.js'),
  init: () => import('./commands/init.js'),
  invite: () => import('./commands/invite.js'),
  outbox: () => import('./commands/outbox.js'),
  ping: () => import('./commands/ping.js'),
  proof: () => import('./commands/proof.js'),
  start: () => import('./commands/start.js'),
}

const program = new Command()
  .name('parley')
  .description('A DIDComm v2 agent for Verifiable Credentials, over mutual TLS')
  .option('-c, --config <path>', 'the agent.yml to use', 'agent.yml')
  .showHelpAfterError()

const requested = commandName(process.argv.slice(2))
const loaders =
  requested !== undefined && commandModules[requested] !== undefined
    ? [commandModules[requested]]
    : Object.values(commandModules)
for (const module of await Promise.all(loaders.map((load) => load()))) module.register(program)

try {
  await program.parseAsync(process.argv)
} catch (error) {
  // Coded failures are the user's to fix: say what and which code, without a stack trace.
  if (!isParleyError(error)) throw error
  // A refusal by the running agent is reported with the agent's own code, not the client's.
  const remote = 'remoteCode' in error && typeof error.remoteCode === 'string'
  const code = remote ? (error.remoteCode as string) : error.code
  const message = remote ? error.message.replace(`${code}: `, '') : error.message
  process.stderr.write(`parley: ${code}: ${message}\n`)
  process.exitCode = 1
}

/** The first argument that is neither a global option nor the value of `-c`/`--config`. */
function commandName(args: string[]): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string
    if (arg === '-c' || arg === '--config') i++
    else if (!arg.startsWith('-')) return arg
  }
  return undefined
}
