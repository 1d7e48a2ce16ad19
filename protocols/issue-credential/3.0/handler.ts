/**
 * The I/O side of issue-credential 3.0: verifying a received credential before the table
 * decides, signing one when the issuance policy allows, storing it inside the transition's
 * transaction, and moving on by itself where `agent.yml` says so.
 */
import { isDeepStrictEqual } from 'node:util'

import type { AgentConfig } from '../../../agent/config/schema.js'
import type { PlaintextMessage } from '../../../agent/didcomm/types.js'
import { issueCredential } from '../../../agent/credentials/issue.js'
import type { DecodedCredential } from '../../../agent/credentials/jwt.js'
import type { CredentialStore } from '../../../agent/credentials/store.js'
import { inspectCredential, verifyCredential } from '../../../agent/credentials/verify.js'
import type { GrantStore } from '../../../agent/policy/grants.js'
import type { VeramoAgent } from '../../../agent/veramo.js'
import { parseMessageType } from '../../engine/message-type.js'
import type {
  CustomEffect,
  EffectContext,
  HandlerContext,
  ProtocolEvent,
  ProtocolHandler,
} from '../../engine/types.js'
import { readIssuedJwt, type CredentialDetail } from './messages.js'
import {
  IssueCredentialRole,
  IssueCredentialState,
  issueCredentialDefinition,
  type CredentialSummary,
  type IssueCredentialData,
} from './protocol.js'

/** What the handler needs from the agent. */
export interface IssueCredentialDeps {
  veramo: VeramoAgent
  /** The holder's credential store. */
  store: CredentialStore
  issuer: AgentConfig['issuer']
  holder: AgentConfig['holder']
  /** Grants of this agent as verifier, for `issuer.requirePresentation`. */
  grants?: GrantStore
}

type Ctx = HandlerContext<IssueCredentialState, IssueCredentialData>

/** The problem code of a credential whose signature does not verify. */
export const CRYPTO_PROBLEM_CODE = 'e.p.trust.crypto'

/** The problem code of a credential refused by the holder's other rules. */
export const TRUST_PROBLEM_CODE = 'e.p.trust'

/** Creates the issue-credential 3.0 handler over the agent's services. */
export function createIssueCredentialHandler(
  deps: IssueCredentialDeps,
): ProtocolHandler<IssueCredentialState, IssueCredentialData> {
  return {
    definition: issueCredentialDefinition,
    disclosedRoles: [IssueCredentialRole.Issuer, IssueCredentialRole.Holder],

    async receive(ctx, message) {
      const name = parseMessageType(message.type).name
      if (name === 'issue-credential' && ctx.record.state === IssueCredentialState.RequestSent) {
        return receiveCredential(deps, ctx, message)
      }
      return { type: `receive-${name}`, message }
    },

    async onState(ctx) {
      switch (ctx.record.state) {
        case IssueCredentialState.OfferReceived:
          return acceptsOffersFrom(deps.holder, ctx.peerDid)
            ? { type: 'send-request-credential' }
            : undefined
        case IssueCredentialState.RequestReceived:
          return prepareIssue(deps, ctx)
        case IssueCredentialState.CredentialReceived:
          return { type: 'send-ack' }
        default:
          return undefined
      }
    },

    async applyEffect(ctx, effect) {
      if (effect.name !== 'store-credential') throw new TypeError(`unknown effect ${effect.name}`)
      await storeCredential(deps, ctx, effect)
    },
  }
}

/**
 * The issuer's decision on a request: the `send-issue-credential` command with the signed JWT,
 * or a `decline` when the issuance policy refuses. The policy: the peer is authenticated (the
 * engine accepts no other); it asks for exactly the credential offered in this thread, or for
 * one of `issuer.offerRules` when it did not answer an offer; and, with
 * `issuer.requirePresentation`, it holds a current grant for that resource.
 */
export async function prepareIssue(deps: IssueCredentialDeps, ctx: Ctx): Promise<ProtocolEvent> {
  const now = new Date(ctx.now)
  const detail = approvedDetail(deps.issuer, ctx.record.data)
  if (detail === undefined) {
    return decline('the request does not match a credential this issuer offers')
  }

  const required = deps.issuer.requirePresentation
  if (required !== undefined && !(await deps.grants?.checkAccess(ctx.peerDid, required, now))) {
    return decline(`a presentation for ${required} is required before issuance`)
  }

  const ttl = deps.issuer.credentialTtlSeconds * 1000
  const issued = await issueCredential(deps.veramo, {
    issuer: ctx.ourDid,
    subject: ctx.peerDid,
    type: detail.type,
    claims: detail.claims,
    expirationDate: new Date(detail.expirationDate ?? now.getTime() + ttl),
    now,
  })
  ctx.logger.info({ peerDid: ctx.peerDid, type: issued.type }, 'credential issued')

  return { type: 'send-issue-credential', params: { jwt: issued.jwt, credential: summary(issued) } }
}

/** Whether the holder takes this issuer's offers without asking (`holder.autoAcceptOffersFrom`). */
export function acceptsOffersFrom(holder: AgentConfig['holder'], issuer: string): boolean {
  if (holder.autoAcceptOffersFrom.includes(issuer)) return true
  return holder.autoAcceptOffersFrom.includes('*') && holder.trustedIssuers.includes(issuer)
}

async function receiveCredential(
  deps: IssueCredentialDeps,
  ctx: Ctx,
  message: PlaintextMessage,
): Promise<ProtocolEvent> {
  const jwt = readIssuedJwt(message)
  const verifiedAt = new Date(ctx.now)
  const inspection = await inspectCredential(deps.veramo, jwt, {
    holder: ctx.ourDid,
    sender: ctx.peerDid,
    trustedIssuers: deps.holder.trustedIssuers,
    now: verifiedAt,
  })

  const [failure] = inspection.failures
  if (failure !== undefined || inspection.verified === undefined) {
    const code = failure?.code ?? 'ERR_CREDENTIAL_MALFORMED'
    ctx.logger.warn({ peerDid: ctx.peerDid, code }, 'credential refused')
    return {
      type: 'reject-issue-credential',
      message,
      params: {
        code,
        reason: failure?.message ?? 'the credential could not be verified',
        problemCode:
          code === 'ERR_CREDENTIAL_SIGNATURE_INVALID' ? CRYPTO_PROBLEM_CODE : TRUST_PROBLEM_CODE,
      },
    }
  }

  return {
    type: 'receive-issue-credential',
    message,
    params: { jwt, verifiedAt: verifiedAt.toISOString(), credential: summary(inspection.verified) },
  }
}

/** Verified again inside the transaction: only the JWT and the time travel in the effect. */
async function storeCredential(
  deps: IssueCredentialDeps,
  ctx: EffectContext<IssueCredentialState, IssueCredentialData>,
  effect: CustomEffect,
): Promise<void> {
  const verified = await verifyCredential(deps.veramo, String(effect.payload['jwt']), {
    holder: ctx.record.ourDid,
    sender: ctx.record.peerDid,
    trustedIssuers: deps.holder.trustedIssuers,
    now: new Date(String(effect.payload['verifiedAt'])),
  })
  await deps.store.save(verified)
}

function approvedDetail(
  issuer: AgentConfig['issuer'],
  data: IssueCredentialData,
): CredentialDetail | undefined {
  const requested = data.detail
  if (data.offered !== undefined) {
    return requested === undefined || same(requested, data.offered) ? data.offered : undefined
  }
  if (requested === undefined) return undefined

  const rule = issuer.offerRules.find(
    (candidate) => candidate.type === requested.type && same(candidate.claims, requested.claims),
  )
  return rule === undefined ? undefined : requested
}

function decline(comment: string): ProtocolEvent {
  return { type: 'decline', params: { comment } }
}

function summary(credential: DecodedCredential): CredentialSummary {
  return {
    issuer: credential.issuer,
    subject: credential.subject,
    type: credential.type,
    ...(credential.expirationDate
      ? { expirationDate: credential.expirationDate.toISOString() }
      : {}),
  }
}

// Key order is not meaning: didcomm-node hands received bodies over with their keys sorted.
function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b)
}
