/**
 * The admin API's access routes: the verifier's enforcement point asked from outside. A check
 * answers whether a DID holds a current grant for a resource, the same question
 * `GET /resources/<name>` on the mutual-TLS server asks.
 */
import type { GrantStore, Grant } from '../policy/grants.js'
import { policyFor, type Policy } from '../policy/policies.js'
import { AdminBadRequestError } from './errors.js'
import type { AdminRoute } from './routes.js'

/** What the access routes read. */
export interface AccessRoutesOptions {
  grants: GrantStore
  /** The verifier's policies (`verifier.policies`): only their resources can be checked. */
  policies: readonly Policy[]
  /** Milliseconds since the epoch; replaceable for tests. */
  now?: () => number
}

/** The answer of an access check. */
export interface AccessCheck {
  did: string
  resource: string
  allowed: boolean
  /** The current grant that allows it, the one that lasts longest. */
  grant?: Grant
}

/** The access routes. */
export function accessRoutes(options: AccessRoutesOptions): AdminRoute[] {
  const { grants, policies } = options
  const now = options.now ?? Date.now

  return [
    {
      method: 'GET',
      path: '/access/check',
      summary: 'Whether did holds a current, unexpired grant for resource (query: did, resource)',
      handle: async ({ query }) => {
        const did = requiredParam(query, 'did')
        const resource = requiredParam(query, 'resource')
        policyFor(policies, resource)

        const grant = await grants.checkAccess(did, resource, new Date(now()))
        const answer: AccessCheck = { did, resource, allowed: grant !== undefined }
        if (grant !== undefined) answer.grant = grant
        return { body: answer }
      },
    },
    {
      method: 'GET',
      path: '/access/grants',
      summary: 'Every grant of a DID, expired or not, newest first (query: did)',
      handle: async ({ query }) => ({ body: await grants.list(requiredParam(query, 'did')) }),
    },
  ]
}

function requiredParam(query: URLSearchParams, name: string): string {
  const value = query.get(name)
  if (value === null || value === '') throw new AdminBadRequestError(`${name} is required`)
  return value
}
