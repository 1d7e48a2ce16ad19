/**
 * Conditions on claim values, as `verifier.policies[].conditions` in `agent.yml` declares them,
 * judged over the claims of verified credentials only. Pure functions: no I/O, no clock.
 */
import { isDeepStrictEqual } from 'node:util'

import type { VerifiedCredential } from '../credentials/verify.js'
import { PolicyInvalidError } from './errors.js'

/** The comparison a condition makes. */
export type ConditionOp = 'eq' | 'ne' | 'gte' | 'gt' | 'lte' | 'lt' | 'in' | 'ageAtLeast'

/** One condition: a claim of `credentialSubject`, by dotted path, compared with a value. */
export interface Condition {
  /** A dotted path into `credentialSubject`, for example `kycLevel` or `address.country`. */
  claim: string
  op: ConditionOp
  value: unknown
}

/** How one condition fared. */
export interface ConditionOutcome {
  claim: string
  op: ConditionOp
  value: unknown
  passed: boolean
  /** The credential whose claim met the condition (its `jti`, or the hash of its JWT). */
  credential?: string
  /** Why no credential met it. */
  reason?: string
}

/**
 * Checks that a condition's value has the shape its operator needs.
 *
 * @throws PolicyInvalidError (`ERR_POLICY_INVALID`) when it does not: `in` takes a list;
 *   `ageAtLeast`, `gte`, `gt`, `lte` and `lt` take numbers.
 */
export function assertConditionValid(condition: Condition): void {
  if (condition.op === 'in' && !Array.isArray(condition.value)) {
    throw new PolicyInvalidError(`the condition on ${condition.claim} needs a list for 'in'`)
  }
  if (isNumeric(condition.op) && typeof condition.value !== 'number') {
    throw new PolicyInvalidError(
      `the condition on ${condition.claim} needs a number for '${condition.op}'`,
    )
  }
}

/**
 * Judges a condition over verified credentials: it holds when at least one credential carries
 * the claim with a value that meets it. A missing claim or a value of the wrong type fails it.
 *
 * @param idOf how a credential is named in the outcome.
 */
export function evaluateCondition(
  condition: Condition,
  credentials: readonly VerifiedCredential[],
  now: Date,
  idOf: (credential: VerifiedCredential) => string,
): ConditionOutcome {
  const { claim, op, value } = condition

  for (const credential of credentials) {
    const actual = claimAt(credential.claims, claim)
    if (actual !== undefined && holds(op, actual, value, now)) {
      return { claim, op, value, passed: true, credential: idOf(credential) }
    }
  }

  return {
    claim,
    op,
    value,
    passed: false,
    reason: `no verified credential has ${describe(condition)}`,
  }
}

/** A condition in words, for rules and reasons: `birthDate ageAtLeast 18`. */
export function describe(condition: Condition): string {
  return `${condition.claim} ${condition.op} ${JSON.stringify(condition.value)}`
}

/** Full years between a birth date and `now`, in UTC; `undefined` for a value that is no date. */
export function ageAt(birthDate: unknown, now: Date): number | undefined {
  if (typeof birthDate !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(birthDate)) return undefined
  const born = new Date(birthDate.length === 10 ? `${birthDate}T00:00:00Z` : birthDate)
  if (Number.isNaN(born.getTime())) return undefined

  const years = now.getUTCFullYear() - born.getUTCFullYear()
  const birthdayPassed =
    now.getUTCMonth() > born.getUTCMonth() ||
    (now.getUTCMonth() === born.getUTCMonth() && now.getUTCDate() >= born.getUTCDate())
  return birthdayPassed ? years : years - 1
}

function holds(op: ConditionOp, actual: unknown, expected: unknown, now: Date): boolean {
  switch (op) {
    case 'eq':
      return same(actual, expected)
    case 'ne':
      return !same(actual, expected)
    case 'in':
      return Array.isArray(expected) && expected.some((item) => same(actual, item))
    case 'ageAtLeast': {
      const age = ageAt(actual, now)
      return age !== undefined && typeof expected === 'number' && age >= expected
    }
    default:
      return compare(op, actual, expected)
  }
}

function compare(op: 'gte' | 'gt' | 'lte' | 'lt', actual: unknown, expected: unknown): boolean {
  if (typeof actual !== 'number' || typeof expected !== 'number') return false
  if (op === 'gte') return actual >= expected
  if (op === 'gt') return actual > expected
  if (op === 'lte') return actual <= expected
  return actual < expected
}

function isNumeric(op: ConditionOp): boolean {
  return op === 'gte' || op === 'gt' || op === 'lte' || op === 'lt' || op === 'ageAtLeast'
}

function same(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b)
}

function claimAt(claims: Record<string, unknown>, path: string): unknown {
  let current: unknown = claims
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || Array.isArray(current)) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}
