/** `parley access check` and `parley access grants`: the running verifier's grants. */
import type { Command } from 'commander'

import { adminClientFromLoaded } from '../../admin/client.js'
import { loadFromCommand, printJson } from '../context.js'

/** Registers `parley access`. */
export function register(program: Command): void {
  const access = program
    .command('access')
    .description("the verifier's access grants, won by verified presentations")

  access
    .command('check')
    .description('whether a DID holds a current grant for a resource (exit code 2 when not)')
    .requiredOption('--did <did>', "the peer's DID")
    .requiredOption('--resource <name>', 'the resource, as named in verifier.policies')
    .action(async (options: { did: string; resource: string }, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      const query = new URLSearchParams({ did: options.did, resource: options.resource })
      const answer = await client.get<{ allowed: boolean }>(`/access/check?${query.toString()}`)
      printJson(answer)
      if (!answer.allowed) process.exitCode = 2
    })

  access
    .command('grants')
    .description('every grant of a DID, expired or not, newest first')
    .requiredOption('--did <did>', "the peer's DID")
    .action(async (options: { did: string }, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      const query = new URLSearchParams({ did: options.did })
      printJson(await client.get(`/access/grants?${query.toString()}`))
    })
}
