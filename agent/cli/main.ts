/**
 * The `parley` command line. Each command lives in `commands/` and registers itself here.
 *
 * Commands that act on a running agent talk to it through the admin API; commands that act on
 * files (init, certs) work offline.
 */
import 'reflect-metadata'

import { Command } from 'commander'

const program = new Command()
  .name('parley')
  .description('A DIDComm v2 agent for Verifiable Credentials, over mutual TLS')
  .option('-c, --config <path>', 'the agent.yml to use', 'agent.yml')
  .showHelpAfterError()

// Command modules, each exporting `register(program)`; keep this list sorted.
const commandModules: { register(program: Command): void }[] = []

for (const module of commandModules) module.register(program)

await program.parseAsync(process.argv)
