/**
 * The policy decision point: decides a peer's access to a resource from the claims of a verified
 * presentation, writes each decision to the audit sink and the decisions table, and grants
 * access on a permit.
 *
 * Fail closed: claims that did not come from a successful verification in this process are
 * refused; a decision the audit sink does not accept is not acted on.
 */
import { createHash, randomUUID } from 'node:crypto'

import type { DataSource } from 'typeorm'

import { DecisionEntity } from '../../storage/decision-entity.js'
import type { VerifiedCredential } from '../credentials/verify.js'
import { silentLogger, type Logger } from '../logger.js'
import { isVerifiedPresentation, type PresentationVerification } from '../presentation/verify.js'
import { evaluateCondition, type ConditionOutcome } from './conditions.js'
import { PolicyAuditFailedError, PolicyUnverifiedClaimsError } from './errors.js'
import { GrantStore, type Grant } from './grants.js'
import { ruleOf, type Policy } from './policies.js'

/** The audit entry of one decision; the audit log's `record` takes it as it is. */
export type PolicyAuditRecord = {
  kind: 'policy.decision'
  decisionId: string
  peerDid: string
  resource: string
  result: 'permit' | 'deny'
  rule: string
  credentials: string[]
  /** ISO 8601, UTC. */
  time: string
  thid?: string
  reason?: string
}

/** Where decisions are audited: `AuditLog` from `agent/audit/log.ts` fits. */
export interface PolicyAuditSink {
  record(entry: PolicyAuditRecord): Promise<unknown>
}

/** What a decision is taken over. */
export interface DecisionRequest {
  /** The authenticated peer: the DIDComm sender of the presentation. */
  peerDid: string
  policy: Policy
  /** The result of `verifyPresentation` for this peer, against the policy's definition. */
  verification: PresentationVerification
  thid?: string
  now?: Date
}

/** One decision, as stored. */
export interface Decision {
  id: string
  peerDid: string
  resource: string
  result: 'permit' | 'deny'
  rule: string
  credentials: string[]
  conditions: ConditionOutcome[]
  /** Why access was denied, when it was. */
  reason?: string
  decidedAt: Date
  thid?: string
  /** The grant a permit created. */
  grant?: Grant
}

/** Options for {@link PolicyDecisionPoint}. */
export interface PolicyDecisionPointOptions {
  dataSource: DataSource
  audit: PolicyAuditSink
  logger?: Logger
}

/** Decides, records and grants. */
export class PolicyDecisionPoint {
  readonly #dataSource: DataSource
  readonly #audit: PolicyAuditSink
  readonly #grants: GrantStore
  readonly #logger: Logger

  constructor(options: PolicyDecisionPointOptions) {
    this.#dataSource = options.dataSource
    this.#audit = options.audit
    this.#grants = new GrantStore(options.dataSource)
    this.#logger = options.logger ?? silentLogger()
  }

  /**
   * Decides a peer's access to the policy's resource. A failed verification, a presentation for
   * another peer or definition, an untrusted issuer or an unmet condition is a recorded denial.
   *
   * @throws PolicyUnverifiedClaimsError (`ERR_POLICY_UNVERIFIED_CLAIMS`) when the verification
   *   claims success but was not made by `verifyPresentation` in this process.
   * @throws PolicyAuditFailedError (`ERR_POLICY_AUDIT_FAILED`) when the audit sink refuses the
   *   entry; nothing is stored and no grant is made.
   */
  async decide(request: DecisionRequest): Promise<Decision> {
    const { peerDid, policy, verification } = request
    if (verification.verified && !isVerifiedPresentation(verification)) {
      throw new PolicyUnverifiedClaimsError('the claims were not verified by this agent')
    }

    const now = request.now ?? new Date()
    const credentials = verification.credentials
    const denial = preconditionFailure(request)
    const conditions = denial
      ? []
      : policy.conditions.map((condition) =>
          evaluateCondition(condition, credentials, now, credentialId),
        )
    const unmet = conditions.find((outcome) => !outcome.passed)
    const reason = denial ?? unmet?.reason

    const decision: Decision = {
      id: randomUUID(),
      peerDid,
      resource: policy.resource,
      result: reason === undefined ? 'permit' : 'deny',
      rule: ruleOf(policy),
      credentials: credentials.map(credentialId),
      conditions,
      ...(reason === undefined ? {} : { reason }),
      decidedAt: now,
      ...(request.thid === undefined ? {} : { thid: request.thid }),
    }

    await this.#auditDecision(decision)

    const grant = await this.#dataSource.transaction(async (manager) => {
      await manager.insert(DecisionEntity, toRow(decision))
      if (decision.result === 'deny') return undefined

      return this.#grants.create(
        {
          peerDid,
          resource: policy.resource,
          decisionId: decision.id,
          rule: decision.rule,
          credentials: decision.credentials,
          grantedAt: now,
          expiresAt: new Date(now.getTime() + policy.grantTtlSeconds * 1000),
        },
        manager,
      )
    })

    const level = decision.result === 'permit' ? 'info' : 'warn'
    this.#logger[level](
      { decisionId: decision.id, peerDid, resource: policy.resource, result: decision.result },
      'policy decision',
    )
    return grant === undefined ? decision : { ...decision, grant }
  }

  /** Stored decisions, newest first, optionally for one peer or resource. */
  async decisions(filter: { peerDid?: string; resource?: string } = {}): Promise<Decision[]> {
    const rows = await this.#dataSource.manager.find(DecisionEntity, {
      where: {
        ...(filter.peerDid === undefined ? {} : { peerDid: filter.peerDid }),
        ...(filter.resource === undefined ? {} : { resource: filter.resource }),
      },
      order: { decidedAt: 'DESC' },
    })
    return rows.map(fromRow)
  }

  async #auditDecision(decision: Decision): Promise<void> {
    try {
      await this.#audit.record({
        kind: 'policy.decision',
        decisionId: decision.id,
        peerDid: decision.peerDid,
        resource: decision.resource,
        result: decision.result,
        rule: decision.rule,
        credentials: decision.credentials,
        time: decision.decidedAt.toISOString(),
        ...(decision.thid === undefined ? {} : { thid: decision.thid }),
        ...(decision.reason === undefined ? {} : { reason: decision.reason }),
      })
    } catch (cause) {
      throw new PolicyAuditFailedError('the decision could not be audited', { cause })
    }
  }
}

/** A credential's name in decisions and grants: its `jti`, else the SHA-256 of its JWT. */
export function credentialId(credential: VerifiedCredential): string {
  return credential.id ?? `sha256:${createHash('sha256').update(credential.jwt).digest('hex')}`
}

function preconditionFailure(request: DecisionRequest): string | undefined {
  const { peerDid, policy, verification } = request

  if (!verification.verified) {
    const failed = verification.checks.filter((check) => !check.passed).map((check) => check.code)
    return `the presentation failed verification: ${failed.join(', ')}`
  }
  if (verification.holder !== peerDid) {
    return `the presentation was made by ${String(verification.holder)}, not ${peerDid}`
  }
  if (verification.definitionId !== policy.definition.id) {
    const expected = policy.definition.id
    return `the presentation answers definition ${verification.definitionId}, not ${expected}`
  }

  const untrusted = verification.credentials.find(
    (credential) => !policy.trustedIssuers.includes(credential.issuer),
  )
  if (untrusted !== undefined) return `${untrusted.issuer} is not trusted for ${policy.resource}`

  return undefined
}

function toRow(decision: Decision): DecisionEntity {
  return Object.assign(new DecisionEntity(), {
    id: decision.id,
    peerDid: decision.peerDid,
    resource: decision.resource,
    result: decision.result,
    rule: decision.rule,
    credentials: JSON.stringify(decision.credentials),
    outcomes: JSON.stringify({ conditions: decision.conditions, reason: decision.reason ?? null }),
    thid: decision.thid ?? null,
    decidedAt: decision.decidedAt.toISOString(),
  })
}

function fromRow(row: DecisionEntity): Decision {
  const outcomes = JSON.parse(row.outcomes) as {
    conditions: ConditionOutcome[]
    reason: string | null
  }
  return {
    id: row.id,
    peerDid: row.peerDid,
    resource: row.resource,
    result: row.result === 'permit' ? 'permit' : 'deny',
    rule: row.rule,
    credentials: JSON.parse(row.credentials) as string[],
    conditions: outcomes.conditions,
    ...(outcomes.reason === null ? {} : { reason: outcomes.reason }),
    decidedAt: new Date(row.decidedAt),
    ...(row.thid === null ? {} : { thid: row.thid }),
  }
}
