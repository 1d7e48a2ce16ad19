/**
 * `parley proof request|accept|list|show`: present-proof 3.0 driven on the running agent through
 * the admin API, as verifier (request) or prover (accept).
 */
import type { Command } from 'commander'

import { adminClientFromLoaded } from '../../admin/client.js'
import { loadFromCommand, printJson } from '../context.js'
import { readJsonObject } from '../json-file.js'
import { waitFields } from './credential.js'

interface RequestOptions {
  to: string
  definition?: string
  resource?: string
  trust: string[]
  wait: boolean
  timeout: string
}

/** Registers `parley proof`. */
export function register(program: Command): void {
  const proof = program
    .command('proof')
    .description('request a presentation as verifier, or answer a request as prover')

  proof
    .command('request')
    .description('request a presentation of credentials; prints the verifier thread')
    .requiredOption('--to <did>', "the prover's DID")
    .option('--definition <file.json>', 'a DIF presentation_definition (default: the policy one)')
    .option('--resource <name>', 'the resource whose policy decides access (verifier.policies)')
    .option(
      '--trust <did>',
      'an issuer trusted for the definition (default: the policy ones); repeatable',
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option('--no-wait', 'print the thread at once instead of waiting for it to finish')
    .option('--timeout <seconds>', 'how long to wait for the thread to finish', '10')
    .action(async (options: RequestOptions, command: Command) => {
      const definition =
        options.definition === undefined
          ? undefined
          : readJsonObject(options.definition, 'presentation definition')
      const client = adminClientFromLoaded(loadFromCommand(command))
      const thread = await client.post('/proofs/requests', {
        to: options.to,
        ...(definition === undefined ? {} : { definition }),
        ...(options.resource === undefined ? {} : { resource: options.resource }),
        ...(options.trust.length === 0 ? {} : { trustedIssuers: options.trust }),
        ...waitFields(options),
      })
      printJson(thread)
    })

  proof
    .command('accept')
    .description('answer a request waiting on this prover with the matching credentials')
    .argument('<thread>', 'the thid of the present-proof thread')
    .option('--no-wait', 'print the thread at once instead of waiting for it to finish')
    .option('--timeout <seconds>', 'how long to wait for the thread to finish', '10')
    .action(
      async (thread: string, options: { wait: boolean; timeout: string }, command: Command) => {
        const client = adminClientFromLoaded(loadFromCommand(command))
        const path = `/proofs/requests/${encodeURIComponent(thread)}/accept`
        printJson(await client.post(path, waitFields(options)))
      },
    )

  proof
    .command('list')
    .description('list present-proof threads, newest first')
    .option('--state <state>', 'only threads in this state, e.g. done or abandoned')
    .option('--peer <did>', 'only threads with this peer')
    .action(async (options: { state?: string; peer?: string }, command: Command) => {
      const query = new URLSearchParams()
      if (options.state !== undefined) query.set('state', options.state)
      if (options.peer !== undefined) query.set('peerDid', options.peer)

      const client = adminClientFromLoaded(loadFromCommand(command))
      const suffix = query.size === 0 ? '' : `?${query.toString()}`
      printJson(await client.get(`/proofs${suffix}`))
    })

  proof
    .command('show')
    .description('show one thread: its checks, the access decision and the message log')
    .argument('<thread>', 'the thid of the present-proof thread')
    .action(async (thread: string, _options: unknown, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      printJson(await client.get(`/proofs/${encodeURIComponent(thread)}`))
    })
}
