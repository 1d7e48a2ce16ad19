import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { issueCredential } from '../../../agent/credentials/issue.js'
import { CredentialStore, type StoredCredential } from '../../../agent/credentials/store.js'
import { verifyCredential } from '../../../agent/credentials/verify.js'
import { createCast, type Actor, type Cast } from './actors.js'

const NOW = new Date('2026-06-01T12:00:00Z')

describe('the credential store', () => {
  let cast: Cast<'acme' | 'faber' | 'alice'>
  let store: CredentialStore
  let kyc: StoredCredential
  let role: StoredCredential
  let degree: StoredCredential

  async function receive(issuer: Actor, type: string, claims: Record<string, unknown>, at: Date) {
    const { alice } = cast.actors
    const issued = await issueCredential(issuer.veramo, {
      issuer: issuer.did,
      subject: alice.did,
      type,
      claims,
      now: at,
    })
    const verified = await verifyCredential(alice.veramo, issued.jwt, {
      holder: alice.did,
      sender: issuer.did,
      trustedIssuers: [],
      now: NOW,
    })
    return store.save(verified)
  }

  beforeAll(async () => {
    cast = await createCast(['acme', 'faber', 'alice'])
    const { acme, faber, alice } = cast.actors
    store = new CredentialStore(alice.veramo)

    kyc = await receive(acme, 'KycCredential', { kycLevel: 2 }, new Date('2026-01-01T00:00:00Z'))
    role = await receive(faber, 'RoleCredential', { role: 'physician' }, new Date('2026-02-01'))
    degree = await receive(acme, 'DegreeCredential', { kycLevel: '2' }, new Date('2026-03-01'))
  })
  afterAll(async () => cast.close())

  it('lists every credential, most recently issued first', async () => {
    const listed = await store.list()

    expect(listed.map((credential) => credential.hash)).toEqual([degree.hash, role.hash, kyc.hash])
  })

  it('queries by type', async () => {
    const listed = await store.list({ type: 'RoleCredential' })

    expect(listed).toEqual([role])
  })

  it('queries by issuer', async () => {
    const listed = await store.list({ issuer: cast.actors.acme.did })

    expect(listed.map((credential) => credential.hash)).toEqual([degree.hash, kyc.hash])
  })

  it('queries by claim value, telling a number from a string', async () => {
    const numbers = await store.list({ claims: { kycLevel: 2 } })
    const strings = await store.list({ claims: { kycLevel: '2' } })

    expect(numbers.map((credential) => credential.hash)).toEqual([kyc.hash])
    expect(strings.map((credential) => credential.hash)).toEqual([degree.hash])
  })

  it('combines type, issuer and claims', async () => {
    const { acme, faber } = cast.actors

    const found = await store.list({
      type: 'KycCredential',
      issuer: acme.did,
      claims: { kycLevel: 2 },
    })
    const none = await store.list({ type: 'KycCredential', issuer: faber.did })

    expect(found.map((credential) => credential.hash)).toEqual([kyc.hash])
    expect(none).toEqual([])
  })

  it('shows one credential by its hash', async () => {
    const shown = await store.show(role.hash)

    expect(shown).toEqual(role)
    expect(shown.claims).toEqual({ role: 'physician' })
    expect(shown.issuer).toBe(cast.actors.faber.did)
  })

  it('keeps one copy when the same credential is saved twice', async () => {
    const { acme, alice } = cast.actors
    const again = await verifyCredential(alice.veramo, kyc.jwt, {
      holder: alice.did,
      sender: acme.did,
      trustedIssuers: [],
      now: NOW,
    })

    const saved = await store.save(again)
    const listed = await store.list({ type: 'KycCredential' })

    expect(saved.hash).toBe(kyc.hash)
    expect(listed.length).toBe(1)
  })

  it('deletes a credential, after which showing it is refused', async () => {
    const { acme } = cast.actors
    const extra = await receive(acme, 'TemporaryCredential', { n: 1 }, NOW)

    await store.delete(extra.hash)

    await expect(store.show(extra.hash)).rejects.toMatchObject({ code: 'ERR_STORAGE_NOT_FOUND' })
    await expect(store.delete(extra.hash)).rejects.toMatchObject({
      code: 'ERR_STORAGE_NOT_FOUND',
    })
  })
})
