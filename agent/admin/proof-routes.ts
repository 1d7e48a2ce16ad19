/**
 * The admin API's proof routes: requesting a presentation as verifier (present-proof 3.0 with a
 * DIF presentation definition), accepting a request as prover, and the proof threads with every
 * verification check recorded on them (`record.data.checks`, `record.data.decision`).
 *
 * @see https://github.com/decentralized-identity/waci-didcomm/blob/main/present_proof/present-proof-v3.md
 */
import type { Logger } from '../logger.js'
import type { Policy } from '../policy/policies.js'
import { parseDefinition, type PresentationDefinition } from '../presentation/definition.js'
import type { Engine } from '../../protocols/engine/engine.js'
import {
  preparePresentation,
  requestPresentationEvent,
  type PresentProofDeps,
} from '../../protocols/present-proof/3.0/handler.js'
import { PRESENT_PROOF } from '../../protocols/present-proof/3.0/messages.js'
import type {
  PresentProofData,
  PresentProofState,
} from '../../protocols/present-proof/3.0/protocol.js'
import type { ProtocolRecord } from '../../protocols/engine/types.js'
import { AdminBadRequestError, AdminNotFoundError } from './errors.js'
import { maybeWait, requiredString, stringField, type AdminRoute, WAIT_FIELDS } from './routes.js'

/** What the proof routes act on. */
export interface ProofRoutesOptions {
  engine: Engine
  /** Our DID: the domain a requested presentation must be bound to. */
  ourDid: string
  /** The verifier's policies: a request for a policy's resource or definition is decided by it. */
  policies: readonly Policy[]
  /** What the prover builds a presentation from (the present-proof handler's deps). */
  prover: PresentProofDeps
  logger: Logger
  /** Milliseconds since the epoch; replaceable for tests. */
  now?: () => number
}

/** The proof routes. */
export function proofRoutes(options: ProofRoutesOptions): AdminRoute[] {
  const { engine, policies, prover } = options
  const now = options.now ?? Date.now

  return [
    {
      method: 'POST',
      path: '/proofs/requests',
      summary:
        'Request a presentation (present-proof 3.0); the policy of resource, or the one using ' +
        'the definition, decides access once it is verified',
      body: {
        to: { type: 'string', description: "the prover's DID" },
        definition: { type: 'object', description: 'a DIF presentation_definition' },
        resource: { type: 'string', description: 'a resource of verifier.policies' },
        trustedIssuers: { type: 'array', items: { type: 'string' } },
        ...WAIT_FIELDS,
      },
      handle: async ({ body }) => {
        const to = requiredString(body, 'to')
        const terms = requestTerms(policies, body)

        const record = await engine.startThread({
          protocol: PRESENT_PROOF,
          peerDid: to,
          event: requestPresentationEvent({ ...terms, domain: options.ourDid }),
        })
        return { status: 202, body: await maybeWait(engine, record, body) }
      },
    },
    {
      method: 'POST',
      path: '/proofs/requests/:thid/accept',
      summary: 'Accept a request waiting on this prover: present the matching credentials',
      body: WAIT_FIELDS,
      handle: async ({ params, body }) => {
        const record = await proofThread(engine, params['thid'] ?? '')
        const event = await preparePresentation(prover, {
          ourDid: record.ourDid,
          peerDid: record.peerDid,
          record,
          services: {},
          logger: options.logger.child({ thid: record.thid }),
          now: now(),
        })
        const moved = await engine.act(record.thid, event)
        return { status: 202, body: await maybeWait(engine, moved, body) }
      },
    },
    {
      method: 'GET',
      path: '/proofs',
      summary: 'List present-proof threads, newest first (query: state, peerDid)',
      handle: async ({ query }) => {
        const state = query.get('state')
        const peerDid = query.get('peerDid')
        const filter = {
          protocol: PRESENT_PROOF,
          ...(state === null ? {} : { state }),
          ...(peerDid === null ? {} : { peerDid }),
        }
        return { body: await engine.threads(filter) }
      },
    },
    {
      method: 'GET',
      path: '/proofs/:thid',
      summary: 'One present-proof thread with its checks, decision and message log',
      handle: async ({ params }) => {
        const thid = params['thid'] ?? ''
        await proofThread(engine, thid)
        return { body: await engine.thread(thid) }
      },
    },
  ]
}

/**
 * The definition, trusted issuers and resource of a request. With `resource`, its policy gives
 * what the body leaves out. Without, the one policy whose definition has the same id (if any)
 * names the resource and, unless `trustedIssuers` is given, the issuers.
 */
function requestTerms(
  policies: readonly Policy[],
  body: Record<string, unknown>,
): { definition: PresentationDefinition; trustedIssuers: string[]; resource?: string } {
  const resource = stringField(body, 'resource')
  const given = body['definition'] === undefined ? undefined : definitionOf(body['definition'])
  const policy =
    resource !== undefined
      ? policies.find((candidate) => candidate.resource === resource)
      : soleMatch(policies.filter((candidate) => candidate.definition.id === given?.id))
  if (resource !== undefined && policy === undefined) {
    throw new AdminBadRequestError(`no policy protects ${resource}`)
  }
  if (policy !== undefined && given !== undefined && given.id !== policy.definition.id) {
    throw new AdminBadRequestError(`the policy of ${policy.resource} uses ${policy.definition.id}`)
  }

  const definition = given ?? policy?.definition
  if (definition === undefined) throw new AdminBadRequestError('definition or resource is required')
  const trustedIssuers = issuersOf(body) ?? policy?.trustedIssuers
  if (trustedIssuers === undefined || trustedIssuers.length === 0) {
    throw new AdminBadRequestError(`trustedIssuers is required: no policy uses ${definition.id}`)
  }

  return {
    definition,
    trustedIssuers: [...trustedIssuers],
    ...(policy === undefined ? {} : { resource: policy.resource }),
  }
}

async function proofThread(
  engine: Engine,
  thid: string,
): Promise<ProtocolRecord<PresentProofState, PresentProofData>> {
  const thread = await engine.thread(thid)
  if (thread === undefined || thread.record.protocol !== PRESENT_PROOF) {
    throw new AdminNotFoundError(`no present-proof thread ${thid}`)
  }
  return thread.record as unknown as ProtocolRecord<PresentProofState, PresentProofData>
}

function definitionOf(value: unknown): PresentationDefinition {
  try {
    return parseDefinition(value)
  } catch (cause) {
    const reason = cause instanceof Error ? cause.message : 'invalid'
    throw new AdminBadRequestError(`definition: ${reason}`, { cause })
  }
}

function issuersOf(body: Record<string, unknown>): string[] | undefined {
  const value = body['trustedIssuers']
  if (value === undefined) return undefined
  if (!Array.isArray(value) || !value.every((item) => typeof item === 'string')) {
    throw new AdminBadRequestError('trustedIssuers must be a list of DIDs')
  }
  return value as string[]
}

function soleMatch(matches: Policy[]): Policy | undefined {
  return matches.length === 1 ? matches[0] : undefined
}
