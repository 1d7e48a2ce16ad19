/**
 * The admin API's credential routes: offering a credential as issuer (issue-credential 3.0),
 * accepting an offer as holder, and the holder's credential store (list, show, delete).
 *
 * @see https://github.com/decentralized-identity/waci-didcomm/blob/main/issue_credential/README.md
 */
import type { CredentialQuery, CredentialStore, StoredCredential } from '../credentials/store.js'
import type { Engine } from '../../protocols/engine/engine.js'
import { ISSUE_CREDENTIAL } from '../../protocols/issue-credential/3.0/messages.js'
import { AdminBadRequestError, AdminNotFoundError } from './errors.js'
import {
  maybeWait,
  optional,
  requiredString,
  stringField,
  type AdminRequest,
  type AdminRoute,
  WAIT_FIELDS,
} from './routes.js'

/** What the credential routes act on. */
export interface CredentialRoutesOptions {
  engine: Engine
  /** The holder's credential store. */
  store: CredentialStore
}

/** The credential routes. */
export function credentialRoutes(options: CredentialRoutesOptions): AdminRoute[] {
  const { engine, store } = options

  return [
    {
      method: 'POST',
      path: '/credentials/offers',
      summary: 'Offer a credential to a peer (issue-credential 3.0); answers the issuer thread',
      body: {
        to: { type: 'string', description: "the holder's DID" },
        type: { type: 'string', description: 'the credential type, e.g. KycCredential' },
        claims: { type: 'object', description: 'the claims of the credential subject' },
        expirationDate: { type: 'string', format: 'date-time' },
        comment: { type: 'string' },
        ...WAIT_FIELDS,
      },
      handle: async ({ body }) => {
        const to = requiredString(body, 'to')
        const detail = {
          type: requiredString(body, 'type'),
          claims: claimsOf(body),
          ...optional('expirationDate', dateField(body, 'expirationDate')),
        }
        const comment = stringField(body, 'comment')

        const record = await engine.startThread({
          protocol: ISSUE_CREDENTIAL,
          peerDid: to,
          event: {
            type: 'send-offer-credential',
            params: { detail, ...optional('comment', comment) },
          },
        })
        return { status: 202, body: await maybeWait(engine, record, body) }
      },
    },
    {
      method: 'POST',
      path: '/credentials/offers/:thid/accept',
      summary: 'Accept an offer waiting on this holder: request the credential',
      body: WAIT_FIELDS,
      handle: async ({ params, body }) => {
        const thid = await issueThread(engine, params)
        const record = await engine.act(thid, { type: 'send-request-credential' })
        return { status: 202, body: await maybeWait(engine, record, body) }
      },
    },
    {
      method: 'GET',
      path: '/credentials',
      summary: 'List stored credentials; filter by type, issuer and claim=name=value (repeatable)',
      handle: async ({ query }) => ({ body: (await store.list(queryOf(query))).map(listed) }),
    },
    {
      method: 'GET',
      path: '/credentials/:hash',
      summary: 'One stored credential, with its JWT',
      handle: async ({ params }) => ({ body: await store.show(params['hash'] ?? '') }),
    },
    {
      method: 'DELETE',
      path: '/credentials/:hash',
      summary: 'Delete one stored credential',
      handle: async ({ params }) => {
        const hash = params['hash'] ?? ''
        await store.delete(hash)
        return { body: { hash, deleted: true } }
      },
    },
  ]
}

/**
 * Reads the store's query from `type`, `issuer` and repeated `claim=name=value` parameters. A
 * claim value that parses as JSON is compared as that value (`kycLevel=2` is the number 2),
 * otherwise as a string (`name=Alice`).
 *
 * @throws AdminBadRequestError (`ERR_ADMIN_BAD_REQUEST`) for a claim filter without `=`.
 */
export function queryOf(query: URLSearchParams): CredentialQuery {
  const claims: Record<string, unknown> = {}
  for (const filter of query.getAll('claim')) {
    const split = filter.indexOf('=')
    if (split <= 0) throw new AdminBadRequestError(`claim filter ${filter} is not name=value`)
    claims[filter.slice(0, split)] = jsonOrString(filter.slice(split + 1))
  }

  const type = query.get('type')
  const issuer = query.get('issuer')
  return {
    ...(type === null ? {} : { type }),
    ...(issuer === null ? {} : { issuer }),
    ...(Object.keys(claims).length === 0 ? {} : { claims }),
  }
}

/** The thid of an issue-credential thread; another protocol's thread is not found here. */
async function issueThread(engine: Engine, params: AdminRequest['params']): Promise<string> {
  const thid = params['thid'] ?? ''
  const thread = await engine.thread(thid)
  if (thread === undefined || thread.record.protocol !== ISSUE_CREDENTIAL) {
    throw new AdminNotFoundError(`no issue-credential thread ${thid}`)
  }
  return thid
}

function claimsOf(body: Record<string, unknown>): Record<string, unknown> {
  const claims = body['claims']
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) {
    throw new AdminBadRequestError('claims must be a JSON object')
  }
  if (Object.keys(claims).length === 0) throw new AdminBadRequestError('claims must not be empty')
  return claims as Record<string, unknown>
}

function dateField(body: Record<string, unknown>, key: string): string | undefined {
  const value = stringField(body, key)
  if (value === undefined) return undefined
  if (Number.isNaN(Date.parse(value))) throw new AdminBadRequestError(`${key} must be a date`)
  return new Date(value).toISOString()
}

function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return text
  }
}

/** A credential in a list: everything but the JWT, which `GET /credentials/{hash}` shows. */
function listed({ jwt: _jwt, ...credential }: StoredCredential): Omit<StoredCredential, 'jwt'> {
  return credential
}
