/**
 * `parley credential offer` and `parley credential accept <thread>`: issue-credential 3.0 driven
 * on the running agent through the admin API.
 */
import type { Command } from 'commander'

import { adminClientFromLoaded } from '../../admin/client.js'
import { loadFromCommand, printJson } from '../context.js'
import { readJsonObject } from '../json-file.js'

interface OfferOptions {
  to: string
  type: string
  claims: string
  expires?: string
  comment?: string
  wait: boolean
  timeout: string
}

interface AcceptOptions {
  wait: boolean
  timeout: string
}

/** Registers `parley credential`. */
export function register(program: Command): void {
  const credential = program
    .command('credential')
    .description('offer a credential as issuer, or accept an offer as holder')

  credential
    .command('offer')
    .description('offer a credential to a peer; prints the issuer thread')
    .requiredOption('--to <did>', "the holder's DID")
    .requiredOption('--type <type>', 'the credential type, e.g. KycCredential')
    .requiredOption('--claims <file.json>', 'a JSON object: the claims of the credential subject')
    .option('--expires <date>', 'expiration date (ISO 8601); default: issuer.credentialTtlSeconds')
    .option('--comment <text>', 'a comment for the holder')
    .option('--no-wait', 'print the thread at once instead of waiting for it to finish')
    .option('--timeout <seconds>', 'how long to wait for the thread to finish', '10')
    .action(async (options: OfferOptions, command: Command) => {
      const claims = readJsonObject(options.claims, 'claims')
      const client = adminClientFromLoaded(loadFromCommand(command))
      const thread = await client.post('/credentials/offers', {
        to: options.to,
        type: options.type,
        claims,
        ...(options.expires === undefined ? {} : { expirationDate: options.expires }),
        ...(options.comment === undefined ? {} : { comment: options.comment }),
        ...waitFields(options),
      })
      printJson(thread)
    })

  credential
    .command('accept')
    .description('accept an offer waiting on this holder: request, verify and store the credential')
    .argument('<thread>', 'the thid of the issue-credential thread')
    .option('--no-wait', 'print the thread at once instead of waiting for it to finish')
    .option('--timeout <seconds>', 'how long to wait for the thread to finish', '10')
    .action(async (thread: string, options: AcceptOptions, command: Command) => {
      const client = adminClientFromLoaded(loadFromCommand(command))
      const path = `/credentials/offers/${encodeURIComponent(thread)}/accept`
      printJson(await client.post(path, waitFields(options)))
    })
}

/** The `wait` and `waitMs` fields of a request, from `--no-wait` and `--timeout`. */
export function waitFields(options: { wait: boolean; timeout: string }): Record<string, unknown> {
  return options.wait ? { wait: true, waitMs: Math.round(Number(options.timeout) * 1000) } : {}
}
