/** `parley features <did>`: asks a peer which protocols and goal codes it supports. */
import type { Command } from 'commander'

import { adminClientFromLoaded } from '../../admin/client.js'
import { loadFromCommand, printJson } from '../context.js'

/** Registers `parley features`. */
export function register(program: Command): void {
  program
    .command('features')
    .description("discover a peer's protocols and goal codes (discover-features 2.0)")
    .argument('<did>', 'the peer DID')
    .option('--match <pattern>', 'protocol pattern, * as wildcard', '*')
    .option('--timeout <seconds>', 'how long to wait for the answer', '10')
    .action(async (did: string, options: { match: string; timeout: string }, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      const thread = await client.post<{ state: string; data: { disclosures?: unknown } }>(
        '/features',
        {
          did,
          queries: [
            { 'feature-type': 'protocol', match: options.match },
            { 'feature-type': 'goal-code', match: '*' },
          ],
          wait: true,
          waitMs: Number(options.timeout) * 1000,
        },
      )
      printJson(thread.data.disclosures ?? [])
      if (thread.state !== 'done') process.exitCode = 1
    })
}
