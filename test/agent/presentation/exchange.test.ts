import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { issueCredential } from '../../../agent/credentials/issue.js'
import { CredentialStore, type StoredCredential } from '../../../agent/credentials/store.js'
import { verifyCredential } from '../../../agent/credentials/verify.js'
import { buildPresentation } from '../../../agent/presentation/build.js'
import { createChallenge } from '../../../agent/presentation/challenge.js'
import { parseDefinition } from '../../../agent/presentation/definition.js'
import { chosenCredentials, selectCredentials } from '../../../agent/presentation/select.js'
import {
  assertPresentationVerified,
  isVerifiedPresentation,
  verifyPresentation,
  type PresentationExpectations,
} from '../../../agent/presentation/verify.js'
import { createCast, tamper, type Actor, type Cast } from '../credentials/actors.js'

const NOW = new Date('2026-06-01T12:00:00Z')
const EXPIRY = new Date('2026-12-01T00:00:00Z')
const DOMAIN = 'faber.example'

const KYC_DEFINITION = parseDefinition({
  id: 'kyc-level',
  input_descriptors: [
    {
      id: 'kyc',
      constraints: {
        fields: [
          { path: ['$.type'], filter: { type: 'array', contains: { const: 'KycCredential' } } },
          { path: ['$.credentialSubject.kycLevel'], filter: { type: 'number', minimum: 2 } },
        ],
      },
    },
  ],
})

describe('presentation exchange', () => {
  let cast: Cast<'acme' | 'mallory' | 'alice' | 'bob' | 'faber'>
  let store: CredentialStore
  let kyc: StoredCredential

  async function receive(
    holder: Actor,
    issuer: Actor,
    claims: Record<string, unknown>,
    expiry = EXPIRY,
  ) {
    const issued = await issueCredential(issuer.veramo, {
      issuer: issuer.did,
      subject: holder.did,
      type: 'KycCredential',
      claims,
      expirationDate: expiry,
      now: new Date('2026-01-01T00:00:00Z'),
    })
    const verified = await verifyCredential(holder.veramo, issued.jwt, {
      holder: holder.did,
      sender: issuer.did,
      trustedIssuers: [],
      now: new Date('2026-01-01T00:00:00Z'),
    })
    return new CredentialStore(holder.veramo).save(verified)
  }

  function expectations(
    overrides: Partial<PresentationExpectations> = {},
  ): PresentationExpectations {
    return {
      sender: cast.actors.alice.did,
      challenge: 'challenge-1',
      domain: DOMAIN,
      definition: KYC_DEFINITION,
      trustedIssuers: [cast.actors.acme.did],
      now: NOW,
      ...overrides,
    }
  }

  function present(
    credentials: readonly StoredCredential[],
    challenge = 'challenge-1',
    holder = cast.actors.alice,
  ) {
    return buildPresentation(holder.veramo, {
      holder: holder.did,
      definition: KYC_DEFINITION,
      credentials,
      challenge,
      domain: DOMAIN,
      now: NOW,
    })
  }

  beforeAll(async () => {
    cast = await createCast(['acme', 'mallory', 'alice', 'bob', 'faber'])
    const { acme, alice } = cast.actors
    store = new CredentialStore(alice.veramo)
    kyc = await receive(alice, acme, { kycLevel: 2 })
    await receive(alice, acme, { kycLevel: 1 })
  })
  afterAll(async () => cast.close())

  it('selects the stored credentials that satisfy the definition', async () => {
    const selection = await selectCredentials(store, KYC_DEFINITION, cast.actors.alice.did, {
      now: NOW,
    })

    expect(selection.satisfiable).toBe(true)
    expect(selection.candidates.map((credential) => credential.hash)).toEqual([kyc.hash])
    expect(chosenCredentials(selection).map((credential) => credential.hash)).toEqual([kyc.hash])
  })

  it('finds nothing to present once the credential has expired', async () => {
    const selection = await selectCredentials(store, KYC_DEFINITION, cast.actors.alice.did, {
      now: EXPIRY,
    })

    expect(selection.satisfiable).toBe(false)
    expect(() => chosenCredentials(selection)).toThrow(
      expect.objectContaining({ code: 'ERR_PRESENTATION_UNSATISFIABLE' }),
    )
  })

  it('builds a presentation that the verifier accepts, every check passing', async () => {
    const challenge = createChallenge()
    const built = await present([kyc], challenge)

    const verification = await verifyPresentation(
      cast.actors.faber.veramo,
      built.jwt,
      expectations({ challenge }),
    )

    expect(built.presentation_submission.definition_id).toBe('kyc-level')
    expect(built.presentation_submission.descriptor_map).toEqual([
      { id: 'kyc', format: 'jwt_vc', path: '$.verifiableCredential[0]' },
    ])
    expect(verification.verified).toBe(true)
    expect(verification.holder).toBe(cast.actors.alice.did)
    expect(verification.checks.map((check) => [check.check, check.passed])).toEqual([
      ['presentation.format', true],
      ['presentation.signature', true],
      ['presentation.holder', true],
      ['presentation.challenge', true],
      ['presentation.domain', true],
      ['credential.format', true],
      ['credential.signature', true],
      ['credential.issuer', true],
      ['credential.subject', true],
      ['credential.validity', true],
      ['presentation.submission', true],
    ])
    expect(verification.credentials.map((credential) => credential.claims)).toEqual([
      { kycLevel: 2 },
    ])
    expect(isVerifiedPresentation(verification)).toBe(true)
    expect(isVerifiedPresentation(JSON.parse(JSON.stringify(verification)))).toBe(false)
  })

  it.each([
    ['an old challenge', { challenge: 'challenge-2' }, 'ERR_PRESENTATION_CHALLENGE_MISMATCH'],
    ['another domain', { domain: 'other.example' }, 'ERR_PRESENTATION_DOMAIN_MISMATCH'],
    [
      'a sender other than the holder',
      { sender: 'did:example:bob' },
      'ERR_PRESENTATION_HOLDER_MISMATCH',
    ],
    [
      'an issuer untrusted for the definition',
      { trustedIssuers: ['did:example:other'] },
      'ERR_CREDENTIAL_ISSUER_UNTRUSTED',
    ],
    ['an expired credential', { now: EXPIRY }, 'ERR_CREDENTIAL_EXPIRED'],
  ])('refuses a presentation with %s', async (_case, overrides, code) => {
    const built = await present([kyc])

    const verification = await verifyPresentation(
      cast.actors.faber.veramo,
      built.jwt,
      expectations(overrides),
    )

    expect(verification.verified).toBe(false)
    expect(verification.credentials).toEqual([])
    expect(verification.checks.filter((check) => !check.passed).map((check) => check.code)).toEqual(
      [code],
    )
    expect(isVerifiedPresentation(verification)).toBe(false)
    expect(() => assertPresentationVerified(verification)).toThrow(
      expect.objectContaining({ code: 'ERR_PRESENTATION_REJECTED' }),
    )
  })

  it('refuses a holder presenting a credential whose subject is someone else', async () => {
    const { acme, alice, bob } = cast.actors
    const bobs = await receive(bob, acme, { kycLevel: 3 })
    const built = await present([bobs])

    const verification = await verifyPresentation(
      cast.actors.faber.veramo,
      built.jwt,
      expectations(),
    )

    expect(verification.checks.filter((check) => !check.passed)).toEqual([
      {
        check: 'credential.subject',
        target: '$.verifiableCredential[0]',
        passed: false,
        code: 'ERR_CREDENTIAL_SUBJECT_MISMATCH',
        reason: `the credential is about ${bob.did}, not ${alice.did}`,
      },
    ])
  })

  it('refuses a credential from an untrusted issuer with its own code', async () => {
    const { alice, mallory } = cast.actors
    const malloryKyc = await receive(alice, mallory, { kycLevel: 3 })
    const built = await present([malloryKyc])

    const verification = await verifyPresentation(
      cast.actors.faber.veramo,
      built.jwt,
      expectations(),
    )

    expect(verification.checks.filter((check) => !check.passed).map((check) => check.code)).toEqual(
      ['ERR_CREDENTIAL_ISSUER_UNTRUSTED'],
    )
  })

  it('refuses a tampered presentation', async () => {
    const built = await present([kyc])
    const tampered = tamper(built.jwt, (payload) => {
      payload['nonce'] = 'challenge-9'
    })

    const verification = await verifyPresentation(
      cast.actors.faber.veramo,
      tampered,
      expectations({ challenge: 'challenge-9' }),
    )

    expect(verification.checks.filter((check) => !check.passed).map((check) => check.code)).toEqual(
      ['ERR_PRESENTATION_SIGNATURE_INVALID'],
    )
  })

  it('refuses a submission that does not satisfy the definition', async () => {
    const { alice } = cast.actors
    const [low] = await store.list({ claims: { kycLevel: 1 } })
    const signed = await alice.veramo.createVerifiablePresentation({
      presentation: {
        holder: alice.did,
        verifiableCredential: [low?.jwt as string],
        presentation_submission: {
          id: 'forged',
          definition_id: 'kyc-level',
          descriptor_map: [{ id: 'kyc', format: 'jwt_vc', path: '$.verifiableCredential[0]' }],
        },
      },
      proofFormat: 'jwt',
      challenge: 'challenge-1',
      domain: DOMAIN,
    })

    const verification = await verifyPresentation(
      cast.actors.faber.veramo,
      signed.proof.jwt as string,
      expectations(),
    )

    const failed = verification.checks.filter((check) => !check.passed)
    expect(failed.map((check) => check.code)).toEqual(['ERR_PRESENTATION_SUBMISSION_INVALID'])
    expect(failed[0]?.reason).toBe(
      'the submission does not satisfy the definition: ' +
        'Input candidate failed filter evaluation: submission.descriptor_map[0]: ' +
        'presentation $ with nested credential $.vp.verifiableCredential[0]; ' +
        'The input candidate is not eligible for submission: submission.descriptor_map[0]: ' +
        'presentation $ with nested credential $.vp.verifiableCredential[0]',
    )
  })

  it('refuses a submission that answers another definition', async () => {
    const built = await present([kyc])
    const other = parseDefinition({ ...KYC_DEFINITION, id: 'another' })

    const verification = await verifyPresentation(
      cast.actors.faber.veramo,
      built.jwt,
      expectations({ definition: other }),
    )

    expect(verification.checks.filter((check) => !check.passed)).toEqual([
      {
        check: 'presentation.submission',
        passed: false,
        code: 'ERR_PRESENTATION_SUBMISSION_INVALID',
        reason: 'the submission answers definition kyc-level, not another',
      },
    ])
  })

  it('refuses a string that is not a presentation JWT', async () => {
    const verification = await verifyPresentation(cast.actors.faber.veramo, 'a.b', expectations())

    expect(verification).toEqual({
      verified: false,
      definitionId: 'kyc-level',
      checks: [
        {
          check: 'presentation.format',
          passed: false,
          code: 'ERR_PRESENTATION_MALFORMED',
          reason: 'the presentation is not a JWT with a vp claim',
        },
      ],
      credentials: [],
    })
  })

  it('refuses a definition without input descriptors', () => {
    expect(() => parseDefinition({ id: 'x' })).toThrow(
      expect.objectContaining({ code: 'ERR_PRESENTATION_DEFINITION_INVALID' }),
    )
  })
})
