import { describe, expect, it } from 'vitest'

import type { VerifiedCredential } from '../../../agent/credentials/verify.js'
import {
  ageAt,
  assertConditionValid,
  evaluateCondition,
  type Condition,
} from '../../../agent/policy/conditions.js'

const NOW = new Date('2026-06-01T12:00:00Z')

function credential(id: string, claims: Record<string, unknown>): VerifiedCredential {
  return {
    jwt: `jwt-${id}`,
    id,
    issuer: 'did:example:acme',
    subject: 'did:example:alice',
    type: ['VerifiableCredential', 'TestCredential'],
    claims,
    document: {} as VerifiedCredential['document'],
  }
}

const alice = credential('urn:kyc', {
  birthDate: '2008-06-01',
  kycLevel: 2,
  role: 'physician',
  address: { country: 'NZ', city: 'Wellington' },
})
const young = credential('urn:young', { birthDate: '2008-06-02' })

describe('evaluateCondition', () => {
  it.each<[string, Condition, readonly VerifiedCredential[], boolean]>([
    [
      'ageAtLeast on the 18th birthday',
      { claim: 'birthDate', op: 'ageAtLeast', value: 18 },
      [alice],
      true,
    ],
    [
      'ageAtLeast the day before the 18th birthday',
      { claim: 'birthDate', op: 'ageAtLeast', value: 18 },
      [young],
      false,
    ],
    ['gte met', { claim: 'kycLevel', op: 'gte', value: 2 }, [alice], true],
    ['gte unmet', { claim: 'kycLevel', op: 'gte', value: 3 }, [alice], false],
    ['gt unmet at equality', { claim: 'kycLevel', op: 'gt', value: 2 }, [alice], false],
    ['lte met', { claim: 'kycLevel', op: 'lte', value: 2 }, [alice], true],
    ['lt met', { claim: 'kycLevel', op: 'lt', value: 3 }, [alice], true],
    ['in met', { claim: 'kycLevel', op: 'in', value: [2, 3] }, [alice], true],
    ['in unmet', { claim: 'kycLevel', op: 'in', value: [3] }, [alice], false],
    [
      'in with a string that looks like the number',
      { claim: 'kycLevel', op: 'in', value: ['2'] },
      [alice],
      false,
    ],
    ['eq met', { claim: 'role', op: 'eq', value: 'physician' }, [alice], true],
    ['eq unmet', { claim: 'role', op: 'eq', value: 'nurse' }, [alice], false],
    ['ne met', { claim: 'role', op: 'ne', value: 'nurse' }, [alice], true],
    ['a nested claim', { claim: 'address.country', op: 'eq', value: 'NZ' }, [alice], true],
    [
      'eq on an object claim, whatever its key order',
      { claim: 'address', op: 'eq', value: { city: 'Wellington', country: 'NZ' } },
      [alice],
      true,
    ],
    ['a missing claim', { claim: 'licence', op: 'eq', value: 'A' }, [alice], false],
    ['ne on a missing claim', { claim: 'licence', op: 'ne', value: 'A' }, [alice], false],
    ['gte on a string claim', { claim: 'role', op: 'gte', value: 1 }, [alice], false],
    [
      'ageAtLeast on a claim that is no date',
      { claim: 'role', op: 'ageAtLeast', value: 18 },
      [alice],
      false,
    ],
    [
      'any one of several credentials',
      { claim: 'birthDate', op: 'ageAtLeast', value: 18 },
      [young, alice],
      true,
    ],
    ['no credentials', { claim: 'kycLevel', op: 'gte', value: 1 }, [], false],
  ])('judges %s', (_case, condition, credentials, passed) => {
    const outcome = evaluateCondition(condition, credentials, NOW, (c) => c.id ?? '')

    expect(outcome.passed).toBe(passed)
  })

  it('names the credential that met the condition', () => {
    const outcome = evaluateCondition(
      { claim: 'birthDate', op: 'ageAtLeast', value: 18 },
      [young, alice],
      NOW,
      (c) => c.id ?? '',
    )

    expect(outcome).toEqual({
      claim: 'birthDate',
      op: 'ageAtLeast',
      value: 18,
      passed: true,
      credential: 'urn:kyc',
    })
  })

  it('says why a condition was not met', () => {
    const outcome = evaluateCondition(
      { claim: 'kycLevel', op: 'in', value: [3] },
      [alice],
      NOW,
      (c) => c.id ?? '',
    )

    expect(outcome).toEqual({
      claim: 'kycLevel',
      op: 'in',
      value: [3],
      passed: false,
      reason: 'no verified credential has kycLevel in [3]',
    })
  })
})

describe('ageAt', () => {
  it.each([
    ['2008-06-01', 18],
    ['2008-06-02', 17],
    ['2000-02-29', 26],
    ['2008-06-01T00:00:00Z', 18],
    ['June 1st 2008', undefined],
    [19800101, undefined],
  ])('gives the age in full years for %s', (birthDate, age) => {
    expect(ageAt(birthDate, NOW)).toBe(age)
  })
})

describe('assertConditionValid', () => {
  it.each<[Condition, string]>([
    [{ claim: 'kycLevel', op: 'in', value: 2 }, "the condition on kycLevel needs a list for 'in'"],
    [
      { claim: 'birthDate', op: 'ageAtLeast', value: '18' },
      "the condition on birthDate needs a number for 'ageAtLeast'",
    ],
    [
      { claim: 'kycLevel', op: 'gte', value: null },
      "the condition on kycLevel needs a number for 'gte'",
    ],
  ])('refuses %j', (condition, message) => {
    expect(() => assertConditionValid(condition)).toThrow(
      expect.objectContaining({ code: 'ERR_POLICY_INVALID', message }),
    )
  })

  it('accepts well-formed conditions', () => {
    expect(() =>
      assertConditionValid({ claim: 'role', op: 'eq', value: 'physician' }),
    ).not.toThrow()
    expect(() => assertConditionValid({ claim: 'kycLevel', op: 'in', value: [2, 3] })).not.toThrow()
  })
})
