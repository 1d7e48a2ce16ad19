import { describe, expect, it } from 'vitest'

import { createCodec } from '../../../agent/didcomm/codec.js'
import { DidcommError } from '../../../agent/didcomm/errors.js'
import { staticDids, staticSecrets } from '../../../agent/didcomm/sources.js'
import { loadCases, type VectorCase } from './vector-cases.js'

const FOLDERS = ['didcomm-v2-spec-appendix', 'didcomm-rust', 'didcomm-python', 'didcomm-jvm']

/** The spec vectors on curves didcomm-node does not implement. */
const UNSUPPORTED_CURVES = new Set([
  'c3-anoncrypt-ecdh-es-a256kw-a256cbc-hs512-p384',
  'c3-anoncrypt-ecdh-es-a256kw-a256gcm-p521',
  'c3-anoncrypt-authcrypt-signed-p521',
])

/** The vectors' time: the message's own `created_time`, else a fixed moment in 2024. */
function vectorTime(vector: VectorCase): number {
  const created = vector.expected.message?.['created_time']
  return typeof created === 'number' ? created : 1_700_000_000
}

function codecFor(vector: VectorCase) {
  return createCodec({ dids: staticDids(vector.didDocs), secrets: staticSecrets(vector.secrets) })
}

function unpackVector(vector: VectorCase) {
  return codecFor(vector).unpack(vector.packed, {
    allowPlaintext: true,
    now: vectorTime(vector),
    expectDecryptByAllKeys: vector.unpackOptions.expect_decrypt_by_all_keys ?? false,
  })
}

/** The expected didcomm-node metadata in Parley's shape (absent instead of null). */
function expectedMetadata(raw: Record<string, unknown>): Record<string, unknown> {
  const mediaType = raw['encrypted']
    ? 'application/didcomm-encrypted+json'
    : raw['non_repudiation']
      ? 'application/didcomm-signed+json'
      : 'application/didcomm-plain+json'
  const names: Record<string, string> = {
    encrypted_from_kid: 'encryptedFromKid',
    encrypted_to_kids: 'encryptedToKids',
    sign_from: 'signFrom',
    enc_alg_auth: 'encAlgAuth',
    enc_alg_anon: 'encAlgAnon',
    sign_alg: 'signAlg',
    from_prior: 'fromPrior',
    from_prior_issuer_kid: 'fromPriorIssuerKid',
  }
  const metadata: Record<string, unknown> = {
    mediaType,
    encrypted: raw['encrypted'],
    authenticated: raw['authenticated'],
    nonRepudiation: raw['non_repudiation'],
    anonymousSender: raw['anonymous_sender'],
  }
  for (const [from, to] of Object.entries(names)) {
    if (raw[from] !== null && raw[from] !== undefined) metadata[to] = raw[from]
  }
  return metadata
}

for (const folder of FOLDERS) {
  const cases = loadCases(folder)

  describe(`DIDComm vectors from ${folder}`, () => {
    it('has case files', () => {
      expect(cases.length).toBeGreaterThan(0)
    })

    for (const vector of cases.filter((c) => UNSUPPORTED_CURVES.has(c.id))) {
      it(`refuses as unsupported ${vector.file}`, async () => {
        await expect(unpackVector(vector)).rejects.toMatchObject({
          code: 'ERR_DIDCOMM_UNSUPPORTED',
        })
      })
    }

    const positives = cases.filter(
      (c) => c.expected.outcome === 'unpack-ok' && !UNSUPPORTED_CURVES.has(c.id),
    )
    for (const vector of positives) {
      it(`unpacks ${vector.file}`, async () => {
        const { message, metadata } = await unpackVector(vector)
        const { signed_message: signed, ...raw } = vector.expected.metadata ?? {}

        expect(message).toEqual(vector.expected.message)
        const { signedMessage, ...rest } = metadata
        expect(rest).toEqual(expectedMetadata(raw))
        if (signed === null || signed === undefined) expect(signedMessage).toBeUndefined()
        else expect(JSON.parse(signedMessage as string)).toEqual(JSON.parse(signed as string))
      })
    }

    for (const vector of cases.filter((c) => c.expected.outcome === 'reject')) {
      it(`refuses ${vector.file}`, async () => {
        const error = await unpackVector(vector).then(
          () => undefined,
          (e: unknown) => e,
        )
        expect(error).toBeInstanceOf(DidcommError)
        expect((error as DidcommError).code).toMatch(/^ERR_DIDCOMM_/)
      })
    }
  })
}
