/** `parley connect <url>`: accepts an invitation on the running agent and waits for the answer. */
import type { Command } from 'commander'

import { adminClientFromLoaded } from '../../admin/client.js'
import { loadFromCommand, printJson } from '../context.js'

/** Registers `parley connect`. */
export function register(program: Command): void {
  program
    .command('connect')
    .description('accept an out-of-band invitation URL (or JSON) and connect to its sender')
    .argument('<url>', 'the invitation URL (?_oob=...) or its JSON')
    .option('--timeout <seconds>', 'how long to wait for the inviter to answer', '10')
    .action(async (url: string, options: { timeout: string }, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      const accepted = await client.post('/invitations/accept', {
        url,
        wait: true,
        waitMs: Number(options.timeout) * 1000,
      })
      printJson(accepted)
    })
}
