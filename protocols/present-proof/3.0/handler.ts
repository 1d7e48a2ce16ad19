/**
 * The I/O side of present-proof 3.0: the prover selects credentials and signs a presentation;
 * the verifier checks it, records every check on the thread, and takes the access decision from
 * the verified claims alone.
 */
import type { AgentConfig } from '../../../agent/config/schema.js'
import type { PlaintextMessage } from '../../../agent/didcomm/types.js'
import type { CredentialStore } from '../../../agent/credentials/store.js'
import type { PolicyDecisionPoint } from '../../../agent/policy/decide.js'
import { policyFor, type Policy } from '../../../agent/policy/policies.js'
import { buildPresentation } from '../../../agent/presentation/build.js'
import { createChallenge } from '../../../agent/presentation/challenge.js'
import type { PresentationDefinition } from '../../../agent/presentation/definition.js'
import { proposeCredentials } from '../../../agent/presentation/select.js'
import { verifyPresentation } from '../../../agent/presentation/verify.js'
import type { VeramoAgent } from '../../../agent/veramo.js'
import { parseMessageType } from '../../engine/message-type.js'
import type { HandlerContext, ProtocolEvent, ProtocolHandler } from '../../engine/types.js'
import { CRYPTO_PROBLEM_CODE, TRUST_PROBLEM_CODE } from '../../issue-credential/3.0/handler.js'
import { readPresentationJwt } from './messages.js'
import {
  PresentProofRole,
  PresentProofState,
  presentProofDefinition,
  type PresentProofData,
} from './protocol.js'

/** What the handler needs from the agent. */
export interface PresentProofDeps {
  veramo: VeramoAgent
  /** The prover's credential store. */
  store: CredentialStore
  holder: AgentConfig['holder']
  /** The verifier's access policies; a request naming a resource is decided by its policy. */
  policies?: readonly Policy[]
  pdp?: PolicyDecisionPoint
}

/** What {@link requestPresentationEvent} builds a request from. */
export interface RequestInput {
  definition: PresentationDefinition
  /** The issuers trusted for this definition. */
  trustedIssuers: readonly string[]
  /** The domain the presentation must be addressed to, usually the verifier's DID. */
  domain: string
  /** The protected resource whose policy decides access once the presentation is verified. */
  resource?: string
  /** Whether to answer the presentation with an ack; defaults to true. */
  willConfirm?: boolean
}

type Ctx = HandlerContext<PresentProofState, PresentProofData>

/** The problem code of a verified presentation whose claims do not meet the policy. */
export const POLICY_PROBLEM_CODE = 'e.p.trust.policy'

/** Creates the present-proof 3.0 handler over the agent's services. */
export function createPresentProofHandler(
  deps: PresentProofDeps,
): ProtocolHandler<PresentProofState, PresentProofData> {
  return {
    definition: presentProofDefinition,
    disclosedRoles: [PresentProofRole.Verifier, PresentProofRole.Prover],

    async receive(ctx, message) {
      const name = parseMessageType(message.type).name
      if (name === 'presentation' && ctx.record.state === PresentProofState.RequestSent) {
        return receivePresentation(deps, ctx, message)
      }
      return { type: `receive-${name}`, message }
    },

    async onState(ctx) {
      switch (ctx.record.state) {
        case PresentProofState.RequestReceived:
          return presentsTo(deps.holder, ctx.peerDid) ? preparePresentation(deps, ctx) : undefined
        case PresentProofState.PresentationReceived:
          return { type: 'send-ack' }
        case PresentProofState.PresentationSent:
          return ctx.record.data.request?.willConfirm === false ? { type: 'complete' } : undefined
        default:
          return undefined
      }
    },
  }
}

/**
 * The verifier's `send-request-presentation` command, with a fresh challenge. The challenge is
 * used once: the thread accepts one presentation, and no other thread has the same challenge.
 */
export function requestPresentationEvent(input: RequestInput): ProtocolEvent {
  return {
    type: 'send-request-presentation',
    params: {
      request: {
        definition: input.definition,
        challenge: createChallenge(),
        domain: input.domain,
        willConfirm: input.willConfirm ?? true,
      },
      trustedIssuers: [...input.trustedIssuers],
      ...(input.resource === undefined ? {} : { resource: input.resource }),
    },
  }
}

/**
 * The prover's answer to the thread's request: `send-presentation` with the signed presentation
 * of the newest matching credentials, or `decline` when the store cannot satisfy the definition.
 */
export async function preparePresentation(
  deps: PresentProofDeps,
  ctx: Ctx,
): Promise<ProtocolEvent> {
  const request = ctx.record.data.request
  if (request === undefined) throw new TypeError('the thread holds no request')

  const now = new Date(ctx.now)
  const selection = await proposeCredentials(deps.store, request.definition, ctx.ourDid, { now })
  if (!selection.satisfiable || selection.chosen.length === 0) {
    const comment = `no stored credentials satisfy the definition: ${selection.problems.join('; ')}`
    return { type: 'decline', params: { comment } }
  }

  const built = await buildPresentation(deps.veramo, {
    holder: ctx.ourDid,
    definition: request.definition,
    credentials: selection.chosen,
    challenge: request.challenge,
    domain: request.domain,
    now,
  })
  ctx.logger.info({ peerDid: ctx.peerDid, count: selection.chosen.length }, 'presentation built')

  return {
    type: 'send-presentation',
    params: {
      jwt: built.jwt,
      presented: {
        definitionId: request.definition.id,
        credentials: selection.chosen.map((credential) => credential.hash),
      },
    },
  }
}

/** Whether the prover answers this verifier without asking (`holder.autoPresentTo`). */
export function presentsTo(holder: AgentConfig['holder'], verifier: string): boolean {
  return holder.autoPresentTo.includes(verifier) || holder.autoPresentTo.includes('*')
}

async function receivePresentation(
  deps: PresentProofDeps,
  ctx: Ctx,
  message: PlaintextMessage,
): Promise<ProtocolEvent> {
  const { request, resource, trustedIssuers = [] } = ctx.record.data
  if (request === undefined) throw new TypeError('the thread holds no request')

  const now = new Date(ctx.now)
  const verification = await verifyPresentation(deps.veramo, readPresentationJwt(message), {
    sender: ctx.peerDid,
    challenge: request.challenge,
    domain: request.domain,
    definition: request.definition,
    trustedIssuers,
    now,
  })

  const policy = resource === undefined ? undefined : policyFor(deps.policies ?? [], resource)
  const decided =
    policy === undefined || deps.pdp === undefined
      ? undefined
      : await deps.pdp.decide({
          peerDid: ctx.peerDid,
          policy,
          verification,
          thid: ctx.record.thid,
          now,
        })
  const decision =
    decided === undefined
      ? undefined
      : {
          id: decided.id,
          result: decided.result,
          ...(decided.reason === undefined ? {} : { reason: decided.reason }),
          ...(decided.grant === undefined
            ? {}
            : { expiresAt: decided.grant.expiresAt.toISOString() }),
        }
  const common = { checks: verification.checks, ...(decision === undefined ? {} : { decision }) }

  const failed = verification.checks.find((check) => !check.passed)
  if (failed !== undefined) {
    ctx.logger.warn({ peerDid: ctx.peerDid, code: failed.code }, 'presentation refused')
    const signature = failed.code?.endsWith('_SIGNATURE_INVALID') === true
    return {
      type: 'reject-presentation',
      message,
      params: {
        ...common,
        code: failed.code ?? 'ERR_PRESENTATION_REJECTED',
        reason: failed.reason ?? 'the presentation failed a check',
        problemCode: signature ? CRYPTO_PROBLEM_CODE : TRUST_PROBLEM_CODE,
      },
    }
  }

  if (decision?.result === 'deny') {
    return {
      type: 'reject-presentation',
      message,
      params: {
        ...common,
        code: 'ERR_POLICY_ACCESS_DENIED',
        reason: decision.reason ?? 'access denied',
        problemCode: POLICY_PROBLEM_CODE,
      },
    }
  }

  return { type: 'receive-presentation', message, params: common }
}
