import { createPrivateKey, sign } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import type { DIDDocument, VerificationMethod } from 'did-resolver'
import { describe, expect, it } from 'vitest'

import { createCodec } from '../../../agent/didcomm/codec.js'
import { staticDids, staticSecrets, type DidcommSecret } from '../../../agent/didcomm/sources.js'
import { VECTORS } from './vector-cases.js'

const RUST = join(VECTORS, 'didcomm-rust')
const doc = (name: string): DIDDocument =>
  JSON.parse(readFileSync(join(RUST, 'did-docs', `${name}.json`), 'utf8'))
const secrets = (name: string): DidcommSecret[] =>
  JSON.parse(readFileSync(join(RUST, 'secrets', `${name}.json`), 'utf8'))

const ALICE = 'did:example:alice'
const BOB = 'did:example:bob'
const CHARLIE = 'did:example:charlie'
const MALLORY = 'did:example:mallory'
const NOW = 1_700_000_000

/** Mallory's document as a lying resolver would give it: it claims Alice's keys as its own. */
function malloryDoc(): DIDDocument {
  const alice = doc('alice')
  const method = (id: string) =>
    alice.verificationMethod?.find((m) => m.id === id) as VerificationMethod
  return {
    id: MALLORY,
    verificationMethod: [method(`${ALICE}#key-x25519-1`), method(`${ALICE}#key-1`)],
    keyAgreement: [`${ALICE}#key-x25519-1`],
    authentication: [`${ALICE}#key-1`],
    service: [],
  }
}

const honestDocs = [doc('alice'), doc('bob'), doc('charlie')]
const bob = createCodec({
  dids: staticDids(honestDocs),
  secrets: staticSecrets(secrets('bob')),
  now: () => NOW,
  allowPlaintext: true,
})
const alice = createCodec({
  dids: staticDids([...honestDocs, malloryDoc()]),
  secrets: staticSecrets(secrets('alice')),
  now: () => NOW,
})

const ping = (from: string, to: string, extra: Record<string, unknown> = {}) => ({
  id: 'check-1',
  type: 'https://didcomm.org/trust-ping/2.0/ping',
  from,
  to: [to],
  body: {},
  ...extra,
})

/** A general-JSON JWS over any payload, signed with Alice's Ed25519 key-1. */
function signedByAlice(payload: Record<string, unknown>): string {
  const jwk = secrets('alice').find((s) => s.id === `${ALICE}#key-1`)?.privateKeyJwk
  const key = createPrivateKey({ key: jwk as never, format: 'jwk' })
  const protectedHeader = Buffer.from(
    JSON.stringify({ typ: 'application/didcomm-signed+json', alg: 'EdDSA' }),
  ).toString('base64url')
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
  const signature = sign(null, Buffer.from(`${protectedHeader}.${body}`), key).toString('base64url')
  return JSON.stringify({
    payload: body,
    signatures: [{ protected: protectedHeader, signature, header: { kid: `${ALICE}#key-1` } }],
  })
}

describe('the checks after unpack', () => {
  it('accepts an authcrypt message whose from is the sender key DID', async () => {
    const { packed } = await alice.pack(ping(ALICE, BOB))
    const { sender } = await bob.unpack(packed)
    expect(sender).toBe(ALICE)
  })

  it('refuses an authcrypt message whose from is not the DID of the sender key', async () => {
    const { packed } = await alice.pack(ping(MALLORY, BOB))
    await expect(bob.unpack(packed)).rejects.toMatchObject({ code: 'ERR_DIDCOMM_FROM_MISMATCH' })
  })

  it('refuses a signed message whose signer is not its from', async () => {
    const { packed } = await alice.pack(ping(MALLORY, BOB), { form: 'signed' })
    await expect(bob.unpack(packed)).rejects.toMatchObject({ code: 'ERR_DIDCOMM_SIGNER_MISMATCH' })
  })

  it('refuses a signed message that does not name us in to', async () => {
    const { packed } = await alice.pack(ping(ALICE, CHARLIE), { form: 'signed' })
    await expect(bob.unpack(packed)).rejects.toMatchObject({
      code: 'ERR_DIDCOMM_NOT_ADDRESSED_TO_US',
    })
  })

  it('refuses an expired message', async () => {
    const { packed } = await alice.pack(ping(ALICE, BOB, { expires_time: NOW - 1 }))
    await expect(bob.unpack(packed)).rejects.toMatchObject({ code: 'ERR_DIDCOMM_EXPIRED' })
  })

  it('refuses a message dated further ahead than the clock skew', async () => {
    const { packed } = await alice.pack(ping(ALICE, BOB, { created_time: NOW + 121 }))
    await expect(bob.unpack(packed)).rejects.toMatchObject({ code: 'ERR_DIDCOMM_FUTURE_DATED' })
  })

  it('accepts a message dated ahead within the clock skew', async () => {
    const { packed } = await alice.pack(ping(ALICE, BOB, { created_time: NOW + 120 }))
    const { message } = await bob.unpack(packed)
    expect(message.created_time).toBe(NOW + 120)
  })

  it('refuses a signed message whose created_time is a string', async () => {
    const packed = signedByAlice({ ...ping(ALICE, BOB), created_time: String(NOW) })
    await expect(bob.unpack(packed)).rejects.toMatchObject({ code: 'ERR_DIDCOMM_INVALID_TIME' })
  })

  it('refuses a plaintext message whose expires_time is a fraction', async () => {
    const plain = JSON.stringify({ ...ping(ALICE, BOB), expires_time: NOW + 0.5 })
    await expect(bob.unpack(plain)).rejects.toMatchObject({ code: 'ERR_DIDCOMM_INVALID_TIME' })
  })

  it('accepts the hand-made JWS when its times are integers, proving the signature is sound', async () => {
    const packed = signedByAlice({ ...ping(ALICE, BOB), created_time: NOW })
    const { sender, metadata } = await bob.unpack(packed)
    expect(sender).toBe(ALICE)
    expect(metadata.signFrom).toBe(`${ALICE}#key-1`)
  })

  it('refuses plaintext unless plaintext is allowed', async () => {
    const plain = JSON.stringify(ping(ALICE, BOB))
    await expect(bob.unpack(plain, { allowPlaintext: false })).rejects.toMatchObject({
      code: 'ERR_DIDCOMM_PLAINTEXT_REFUSED',
    })
  })
})
