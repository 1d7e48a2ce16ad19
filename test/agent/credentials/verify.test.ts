import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { issueCredential } from '../../../agent/credentials/issue.js'
import { inspectCredential, verifyCredential } from '../../../agent/credentials/verify.js'
import { createCast, tamper, type Cast } from './actors.js'

const NOW = new Date('2026-06-01T12:00:00Z')
const LATER = new Date('2027-06-01T12:00:00Z')

describe('issuing and verifying a credential', () => {
  let cast: Cast<'acme' | 'alice' | 'mallory' | 'bob'>
  beforeAll(async () => {
    cast = await createCast(['acme', 'alice', 'mallory', 'bob'])
  })
  afterAll(async () => cast.close())

  function issue(overrides: { issuer?: string; subject?: string; expirationDate?: Date } = {}) {
    const { acme, alice } = cast.actors
    const issuer = overrides.issuer ?? acme.did
    const signer = Object.values(cast.actors).find((actor) => actor.did === issuer) ?? acme
    return issueCredential(signer.veramo, {
      issuer,
      subject: overrides.subject ?? alice.did,
      type: 'KycCredential',
      claims: { kycLevel: 2, name: 'Alice' },
      expirationDate: overrides.expirationDate ?? LATER,
      now: NOW,
    })
  }

  it('issues a JWT credential that the holder verifies with the sender as issuer', async () => {
    const { acme, alice } = cast.actors
    const issued = await issue()

    const verified = await verifyCredential(alice.veramo, issued.jwt, {
      holder: alice.did,
      sender: acme.did,
      trustedIssuers: [],
      now: NOW,
    })

    expect(verified.issuer).toBe(acme.did)
    expect(verified.subject).toBe(alice.did)
    expect(verified.type).toEqual(['VerifiableCredential', 'KycCredential'])
    expect(verified.claims).toEqual({ kycLevel: 2, name: 'Alice' })
    expect(verified.issuanceDate).toEqual(NOW)
    expect(verified.expirationDate).toEqual(LATER)
    expect(verified.document.proof.jwt).toBe(issued.jwt)
  })

  it('accepts an issuer that is not the sender when it is a trusted issuer', async () => {
    const { acme, alice, bob } = cast.actors
    const issued = await issue()

    const verified = await verifyCredential(alice.veramo, issued.jwt, {
      holder: alice.did,
      sender: bob.did,
      trustedIssuers: [acme.did],
      now: NOW,
    })

    expect(verified.issuer).toBe(acme.did)
  })

  it('refuses a credential signed by a DID other than the sender (a forged issuer)', async () => {
    const { acme, alice, mallory } = cast.actors
    const forged = await issue({ issuer: mallory.did })

    const verifying = verifyCredential(alice.veramo, forged.jwt, {
      holder: alice.did,
      sender: acme.did,
      trustedIssuers: [],
      now: NOW,
    })

    await expect(verifying).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_ISSUER_UNTRUSTED' })
  })

  it('refuses a credential that claims the sender as issuer but is signed by another key', async () => {
    const { acme, alice, mallory } = cast.actors
    const mallorys = await issue({ issuer: mallory.did })
    const forged = tamper(mallorys.jwt, (payload) => {
      payload['iss'] = acme.did
    })

    const inspection = await inspectCredential(alice.veramo, forged, {
      holder: alice.did,
      sender: acme.did,
      trustedIssuers: [],
      now: NOW,
    })

    expect(inspection.verified).toBeUndefined()
    expect(inspection.failures.map((failure) => failure.code)).toEqual([
      'ERR_CREDENTIAL_SIGNATURE_INVALID',
    ])
  })

  it('refuses a tampered JWT', async () => {
    const { acme, alice } = cast.actors
    const issued = await issue()
    const tampered = tamper(issued.jwt, (payload) => {
      const vc = payload['vc'] as { credentialSubject: Record<string, unknown> }
      vc.credentialSubject['kycLevel'] = 3
    })

    const verifying = verifyCredential(alice.veramo, tampered, {
      holder: alice.did,
      sender: acme.did,
      trustedIssuers: [],
      now: NOW,
    })

    await expect(verifying).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_SIGNATURE_INVALID' })
  })

  it('refuses an expired credential', async () => {
    const { acme, alice } = cast.actors
    const issued = await issue()

    const verifying = verifyCredential(alice.veramo, issued.jwt, {
      holder: alice.did,
      sender: acme.did,
      trustedIssuers: [],
      now: new Date('2027-06-01T12:00:01Z'),
    })

    await expect(verifying).rejects.toMatchObject({
      code: 'ERR_CREDENTIAL_EXPIRED',
      message: 'the credential expired at 2027-06-01T12:00:00.000Z',
    })
  })

  it('refuses a credential issued beyond the clock skew in the future', async () => {
    const { acme, alice } = cast.actors
    const issued = await issue()

    const verifying = verifyCredential(alice.veramo, issued.jwt, {
      holder: alice.did,
      sender: acme.did,
      trustedIssuers: [],
      now: new Date('2026-06-01T11:54:59Z'),
    })

    await expect(verifying).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_NOT_YET_VALID' })
  })

  it('refuses a credential whose subject is another DID', async () => {
    const { acme, alice, bob } = cast.actors
    const issued = await issue({ subject: bob.did })

    const verifying = verifyCredential(alice.veramo, issued.jwt, {
      holder: alice.did,
      sender: acme.did,
      trustedIssuers: [],
      now: NOW,
    })

    await expect(verifying).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_SUBJECT_MISMATCH' })
  })

  it('refuses a string that is not a JWT credential', async () => {
    const { acme, alice } = cast.actors

    const verifying = verifyCredential(alice.veramo, 'not.a.jwt', {
      holder: alice.did,
      sender: acme.did,
      trustedIssuers: [],
    })

    await expect(verifying).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_MALFORMED' })
  })

  it('reports every check of a credential that fails several', async () => {
    const { acme, alice, bob, mallory } = cast.actors
    const issued = await issue({ issuer: mallory.did, subject: bob.did })

    const inspection = await inspectCredential(
      alice.veramo,
      issued.jwt,
      { holder: alice.did, sender: acme.did, trustedIssuers: [], now: LATER },
      '$.verifiableCredential[0]',
    )

    expect(inspection.outcomes).toEqual([
      { check: 'credential.format', target: '$.verifiableCredential[0]', passed: true },
      { check: 'credential.signature', target: '$.verifiableCredential[0]', passed: true },
      {
        check: 'credential.issuer',
        target: '$.verifiableCredential[0]',
        passed: false,
        code: 'ERR_CREDENTIAL_ISSUER_UNTRUSTED',
        reason: `${mallory.did} is not a trusted issuer`,
      },
      {
        check: 'credential.subject',
        target: '$.verifiableCredential[0]',
        passed: false,
        code: 'ERR_CREDENTIAL_SUBJECT_MISMATCH',
        reason: `the credential is about ${bob.did}, not ${alice.did}`,
      },
      {
        check: 'credential.validity',
        target: '$.verifiableCredential[0]',
        passed: false,
        code: 'ERR_CREDENTIAL_EXPIRED',
        reason: 'the credential expired at 2027-06-01T12:00:00.000Z',
      },
    ])
  })

  it('refuses to issue as a DID this agent does not manage', async () => {
    const { acme, alice } = cast.actors

    const issuing = issueCredential(acme.veramo, {
      issuer: alice.did,
      subject: alice.did,
      type: 'KycCredential',
      claims: {},
    })

    await expect(issuing).rejects.toMatchObject({ code: 'ERR_CREDENTIAL_ISSUE_FAILED' })
  })

  it('refuses claims that carry an id, as a caller error', async () => {
    const { acme, alice } = cast.actors

    const issuing = issueCredential(acme.veramo, {
      issuer: acme.did,
      subject: alice.did,
      type: 'KycCredential',
      claims: { id: 'did:example:other' },
    })

    await expect(issuing).rejects.toThrow(TypeError)
  })
})
