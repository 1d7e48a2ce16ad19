import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { issueCredential } from '../../../agent/credentials/issue.js'
import { CredentialStore } from '../../../agent/credentials/store.js'
import { verifyCredential } from '../../../agent/credentials/verify.js'
import {
  parseDefinition,
  type PresentationDefinition,
} from '../../../agent/presentation/definition.js'
import {
  proposeCredentials,
  selectCredentials,
  type CredentialSelection,
} from '../../../agent/presentation/select.js'
import { createCast, type Cast } from '../credentials/actors.js'

const NOW = new Date('2026-06-01T12:00:00Z')

function kycDefinition(minimum: number): PresentationDefinition {
  return parseDefinition({
    id: `kyc-${minimum}`,
    input_descriptors: [
      {
        id: 'kyc',
        constraints: {
          fields: [
            { path: ['$.type'], filter: { type: 'array', contains: { const: 'KycCredential' } } },
            { path: ['$.credentialSubject.kycLevel'], filter: { type: 'number', minimum } },
          ],
        },
      },
    ],
  })
}

const PICK_ONE = parseDefinition({
  id: 'pick-one',
  submission_requirements: [{ name: 'one kyc', rule: 'pick', count: 1, from: 'A' }],
  input_descriptors: [
    {
      id: 'kyc',
      group: ['A'],
      constraints: {
        fields: [
          { path: ['$.type'], filter: { type: 'array', contains: { const: 'KycCredential' } } },
        ],
      },
    },
  ],
})

const CASES: { name: string; definition: PresentationDefinition; window: number }[] = [
  {
    name: 'the newest credential satisfying the definition',
    definition: kycDefinition(1),
    window: 1,
  },
  { name: 'a match only beyond the window', definition: kycDefinition(2), window: 1 },
  { name: 'a match inside a wider window', definition: kycDefinition(2), window: 2 },
  { name: 'a match only in the oldest credential', definition: kycDefinition(3), window: 2 },
  { name: 'no match at all', definition: kycDefinition(5), window: 1 },
  { name: 'submission requirements', definition: PICK_ONE, window: 1 },
  { name: 'a window wider than the store', definition: kycDefinition(2), window: 16 },
]

describe('proposeCredentials', () => {
  let cast: Cast<'acme' | 'bob'>
  let store: CredentialStore

  beforeAll(async () => {
    cast = await createCast(['acme', 'bob'])
    const { acme, bob } = cast.actors
    store = new CredentialStore(bob.veramo)

    const levels = [3, 1, 2, 1]
    for (const [month, kycLevel] of levels.entries()) {
      const issuedAt = new Date(Date.UTC(2026, month, 1))
      const issued = await issueCredential(acme.veramo, {
        issuer: acme.did,
        subject: bob.did,
        type: 'KycCredential',
        claims: { kycLevel },
        expirationDate: new Date('2026-12-01T00:00:00Z'),
        now: issuedAt,
      })
      const verified = await verifyCredential(bob.veramo, issued.jwt, {
        holder: bob.did,
        sender: acme.did,
        trustedIssuers: [],
        now: issuedAt,
      })
      await store.save(verified)
    }
  })
  afterAll(async () => cast.close())

  it.each(CASES)('chooses what selectCredentials chooses for $name', async (testCase) => {
    const bob = cast.actors.bob.did
    const selection = await selectCredentials(store, testCase.definition, bob, { now: NOW })

    const proposal = await proposeCredentials(store, testCase.definition, bob, {
      now: NOW,
      window: testCase.window,
    })

    expect(summary(proposal)).toEqual(summary(selection))
  })

  it('chooses the newest credential that satisfies the definition', async () => {
    const proposal = await proposeCredentials(store, kycDefinition(2), cast.actors.bob.did, {
      now: NOW,
      window: 1,
    })

    expect(proposal.chosen.map((credential) => credential.claims)).toEqual([{ kycLevel: 2 }])
  })
})

function summary(selection: Omit<CredentialSelection, 'candidates'>) {
  return {
    satisfiable: selection.satisfiable,
    chosen: selection.chosen.map((credential) => credential.hash),
    problems: selection.problems,
  }
}
