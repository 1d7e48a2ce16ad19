/** `parley credentials list|show|delete`: the running holder's credential store. */
import type { Command } from 'commander'

import { adminClientFromLoaded } from '../../admin/client.js'
import { loadFromCommand, printJson } from '../context.js'

interface ListOptions {
  type?: string
  issuer?: string
  claim: string[]
}

/** Registers `parley credentials`. */
export function register(program: Command): void {
  const credentials = program.command('credentials').description("the holder's credential store")

  credentials
    .command('list')
    .description('list stored credentials, most recently issued first')
    .option('--type <type>', 'only credentials of this type')
    .option('--issuer <did>', 'only credentials from this issuer')
    .option(
      '--claim <name=value>',
      'only credentials with this claim value (JSON, else text); repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .action(async (options: ListOptions, command: Command) => {
      const query = new URLSearchParams()
      if (options.type !== undefined) query.set('type', options.type)
      if (options.issuer !== undefined) query.set('issuer', options.issuer)
      for (const claim of options.claim) query.append('claim', claim)

      const client = adminClientFromLoaded(loadFromCommand(command))
      const suffix = query.size === 0 ? '' : `?${query.toString()}`
      printJson(await client.get(`/credentials${suffix}`))
    })

  credentials
    .command('show')
    .description('show one credential, with its JWT')
    .argument('<hash>', 'the credential id in the store, as listed')
    .action(async (hash: string, _options: unknown, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      printJson(await client.get(`/credentials/${encodeURIComponent(hash)}`))
    })

  credentials
    .command('delete')
    .description('delete one credential')
    .argument('<hash>', 'the credential id in the store, as listed')
    .action(async (hash: string, _options: unknown, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      printJson(await client.delete(`/credentials/${encodeURIComponent(hash)}`))
    })
}
