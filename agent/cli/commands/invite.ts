/** `parley invite`: creates an out-of-band 2.0 invitation on the running agent, prints its URL. */
import type { Command } from 'commander'

import { adminClientFromLoaded } from '../../admin/client.js'
import { loadFromCommand, printJson } from '../context.js'

interface InviteOptions {
  goalCode?: string
  goal?: string
  multi?: boolean
  expires?: string
  json?: boolean
}

/** Registers `parley invite`. */
export function register(program: Command): void {
  program
    .command('invite')
    .description('create an out-of-band invitation and print its URL')
    .option('--goal-code <code>', 'goal_code of the invitation, e.g. issue-vc')
    .option('--goal <text>', 'goal of the invitation, for people')
    .option('--multi', 'let any number of peers use it (default: single use)')
    .option('--expires <seconds>', 'seconds until it expires')
    .option('--json', 'print the whole invitation as JSON')
    .action(async (options: InviteOptions, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      const created = await client.post<{ url: string }>('/invitations', {
        ...(options.goalCode === undefined ? {} : { goalCode: options.goalCode }),
        ...(options.goal === undefined ? {} : { goal: options.goal }),
        multiUse: options.multi === true,
        ...(options.expires === undefined ? {} : { expiresInSeconds: Number(options.expires) }),
      })

      if (options.json === true) printJson(created)
      else process.stdout.write(`${created.url}\n`)
    })
}
