/** `parley connections`: lists the running agent's connections. */
import type { Command } from 'commander'

import { adminClientFromLoaded } from '../../admin/client.js'
import { loadFromCommand, printJson } from '../context.js'

/** Registers `parley connections`. */
export function register(program: Command): void {
  program
    .command('connections')
    .description("list the agent's connections, most recently seen first")
    .action(async (_options: unknown, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      printJson(await client.get('/connections'))
    })
}
