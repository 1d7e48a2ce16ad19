/** `parley ping <did>`: sends a trust ping from the running agent and waits for the response. */
import type { Command } from 'commander'

import { adminClientFromLoaded } from '../../admin/client.js'
import { loadFromCommand, printJson } from '../context.js'

/** Registers `parley ping`. */
export function register(program: Command): void {
  program
    .command('ping')
    .description('send a trust ping to a DID and wait for its response')
    .argument('<did>', 'the peer DID')
    .option('--timeout <seconds>', 'how long to wait for the response', '10')
    .option('--no-response', 'do not ask for a response')
    .action(
      async (did: string, options: { timeout: string; response: boolean }, command: Command) => {
        const client = adminClientFromLoaded(loadFromCommand(command))
        const thread = await client.post<{ state: string }>('/pings', {
          did,
          responseRequested: options.response,
          wait: options.response,
          waitMs: Number(options.timeout) * 1000,
        })
        printJson(thread)
        if (options.response && thread.state !== 'done') process.exitCode = 1
      },
    )
}
