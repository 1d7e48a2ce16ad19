/**
 * The verifier's protected resources: `GET /resources/<name>` on the agent's mutual-TLS server,
 * the policy enforcement point of issue 6.
 *
 * A request is served only when the client certificate (already verified by the handshake) names
 * a DID in a URI subject alternative name, and that DID holds a current, unexpired grant for the
 * resource, won by a verified presentation (`agent/policy/decide.ts`). Where the request comes
 * from counts for nothing. Every answer is audited: `resource.served`, or `resource.refused` with
 * the error code. Fail closed: when the grants cannot be read or the serving cannot be audited,
 * nothing is served.
 *
 * What is served is the policy's `content` in agent.yml, as JSON; it stands in for whatever an
 * embedding program protects (a program with richer resources wraps this check around its own).
 */
import type { AuditLog } from '../audit/log.js'
import type { AgentConfig } from '../config/schema.js'
import { isParleyError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { GrantStore } from '../policy/grants.js'
import type { ResourceRequest, ResourceResponse } from '../transport/http-handler.js'
import {
  ResourceCheckFailedError,
  ResourceGrantExpiredError,
  ResourceNoDidError,
  ResourceNoGrantError,
  ResourceNotFoundError,
} from './errors.js'

/** What {@link createProtectedResources} needs. */
export interface ProtectedResourcesOptions {
  /** `verifier.policies` of agent.yml: a resource exists when a policy names it. */
  policies: AgentConfig['verifier']['policies']
  grants: GrantStore
  audit: AuditLog
  logger: Logger
  /** Milliseconds since the epoch; replaceable for tests. */
  now?: () => number
}

/** The body of a served resource. */
export interface ServedResource {
  resource: string
  /** The policy's `content`, or null when it sets none. */
  content: unknown
  grant: { id: string; expiresAt: string }
}

/**
 * Creates the resource route the transport server calls for `GET /resources/<name>`.
 *
 * Answers 200 with a {@link ServedResource}; 404 `ERR_RESOURCE_NOT_FOUND`; 403
 * `ERR_RESOURCE_NO_DID`, `ERR_RESOURCE_NO_GRANT` or `ERR_RESOURCE_GRANT_EXPIRED`; 503
 * `ERR_RESOURCE_CHECK_FAILED`.
 */
export function createProtectedResources(
  options: ProtectedResourcesOptions,
): (request: ResourceRequest) => Promise<ResourceResponse> {
  const { policies, grants, audit } = options
  const logger = options.logger.child({ module: 'resources' })
  const now = options.now ?? Date.now

  async function authorise(request: ResourceRequest): Promise<ResourceResponse> {
    const { name, certificate } = request
    const policy = policies.find((candidate) => candidate.resource === name)
    if (policy === undefined) throw new ResourceNotFoundError(`no resource ${name}`)

    const did = certificate.did
    if (did === undefined) {
      throw new ResourceNoDidError('the client certificate names no DID (URI SAN)')
    }

    const at = new Date(now())
    const grant = await readGrants(() => grants.checkAccess(did, name, at))
    if (grant === undefined) {
      const past = await readGrants(() => grants.list(did))
      if (past.some((candidate) => candidate.resource === name)) {
        throw new ResourceGrantExpiredError(`the grant of ${did} for ${name} has expired`)
      }
      throw new ResourceNoGrantError(`${did} holds no grant for ${name}`)
    }

    try {
      await audit.record({
        kind: 'resource.served',
        resource: name,
        peer: did,
        grantId: grant.id,
        fingerprint: certificate.fingerprint256,
        remoteAddress: request.remoteAddress,
      })
    } catch (cause) {
      throw new ResourceCheckFailedError('the access could not be audited', { cause })
    }
    logger.info({ resource: name, peer: did, grantId: grant.id }, 'resource served')

    const served: ServedResource = {
      resource: name,
      content: policy.content ?? null,
      grant: { id: grant.id, expiresAt: grant.expiresAt.toISOString() },
    }
    return { status: 200, body: served }
  }

  return async (request) => {
    try {
      return await authorise(request)
    } catch (error) {
      const refused =
        isParleyError(error) && error.code.startsWith('ERR_RESOURCE_')
          ? error
          : new ResourceCheckFailedError('the access could not be checked', { cause: error })
      const status = statusOf(refused.code)
      const fields = {
        code: refused.code,
        status,
        resource: request.name,
        peer: request.certificate.did,
        fingerprint: request.certificate.fingerprint256,
        remoteAddress: request.remoteAddress,
        reason: refused.message,
      }
      if (status >= 500) logger.error({ ...fields, err: error }, 'resource check failed')
      else logger.warn(fields, 'resource refused')
      await audit.record({ kind: 'resource.refused', ...fields }).catch((auditError: unknown) => {
        logger.error({ err: auditError }, 'resource refusal not audited')
      })
      return { status, body: refused.toJSON() }
    }
  }
}

async function readGrants<T>(read: () => Promise<T>): Promise<T> {
  try {
    return await read()
  } catch (cause) {
    throw new ResourceCheckFailedError('the grants could not be read', { cause })
  }
}

function statusOf(code: string): number {
  if (code === ResourceNotFoundError.code) return 404
  if (code === ResourceCheckFailedError.code) return 503
  return 403
}
