import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { join } from 'node:path'

import type { DIDDocument, Service, VerificationMethod } from 'did-resolver'
import { base58btc } from 'multiformats/bases/base58'
import { describe, expect, it } from 'vitest'

import { decodeMultikey } from '../../../agent/did/keys.js'
import { encodePeer2, peer3Of, resolvePeer2 } from '../../../agent/did/peer2.js'
import { encodePeer4, resolvePeer4 } from '../../../agent/did/peer4.js'
import { peerResolver } from '../../../agent/did/resolvers.js'
import { VECTORS } from '../didcomm/vector-cases.js'

const PEER = join(VECTORS, 'did-peer')
const read = (path: string) => JSON.parse(readFileSync(join(PEER, path), 'utf8'))

async function resolve(did: string) {
  return peerResolver(did, { did, method: 'peer', id: did.slice(9), didUrl: did }, {} as never, {})
}

/** Raw public-key bytes (hex) of a method in any of the legacy encodings. */
function keyHex(method: VerificationMethod): string {
  if (method.publicKeyJwk) {
    return Buffer.from(method.publicKeyJwk.x as string, 'base64url').toString('hex')
  }
  if (method.publicKeyBase58)
    return Buffer.from(base58btc.baseDecode(method.publicKeyBase58)).toString('hex')
  const multibase = method.publicKeyMultibase as string
  try {
    return Buffer.from(decodeMultikey(multibase).bytes).toString('hex')
  } catch {
    return Buffer.from(base58btc.decode(multibase)).toString('hex')
  }
}

/** Keys by relationship and services, whatever the document's convention. */
function material(doc: DIDDocument) {
  const methods = new Map((doc.verificationMethod ?? []).map((m) => [abs(doc.id, m.id), m]))
  const keys = (entries: (string | VerificationMethod)[] | undefined) =>
    (entries ?? []).map((entry) =>
      keyHex(
        typeof entry === 'string' ? (methods.get(abs(doc.id, entry)) as VerificationMethod) : entry,
      ),
    )
  const services = (doc.service ?? []).map((service: Service & Record<string, unknown>) => {
    const endpoint = service.serviceEndpoint as unknown as Record<string, unknown> | string
    const object = typeof endpoint === 'string' ? { ...service, uri: endpoint } : endpoint
    return {
      type: service.type,
      uri: object['uri'],
      accept: object['accept'] ?? [],
      routingKeys: object['routingKeys'] ?? [],
    }
  })
  return {
    authentication: keys(doc.authentication),
    keyAgreement: keys(doc.keyAgreement),
    services,
  }
}

function abs(did: string, id: string) {
  return id.startsWith('#') ? `${did}${id}` : id
}

describe('did:peer:2 from the spec and its reference implementation', () => {
  const spec = read('spec/did-peer-2-example.json')
  const reference = read('did-peer-2-reference/generate-resolve-two-services.json')
  const oneService = read('did-peer-2-reference/readme-one-service.json')

  it('resolves the spec example to the normative document', () => {
    expect(resolvePeer2(spec.did)).toEqual(spec.expected_resolved_document)
  })

  it('resolves the reference two-service and one-service examples', () => {
    expect(resolvePeer2(reference.did)).toEqual(reference.expected_resolved_document)
    expect(resolvePeer2(oneService.did)).toEqual(oneService.expected_resolved_document)
  })

  it('encodes keys and services to the reference DIDs', () => {
    const keys = [
      { purpose: 'authentication' as const, multikey: reference.input.keys[0].multikey },
      { purpose: 'keyAgreement' as const, multikey: reference.input.keys[1].multikey },
    ]
    const services = reference.input.services.map(
      (s: { serviceEndpoint: unknown }) => s.serviceEndpoint,
    )
    expect(encodePeer2(keys, services)).toBe(reference.did)
    expect(encodePeer2(keys, services.slice(0, 1))).toBe(oneService.did)
  })

  it('derives the did:peer:3 of each did:peer:2', () => {
    const pair = read('did-peer-2-reference/peer2-to-peer3.json')
    expect(peer3Of(pair.did_peer_2)).toBe(pair.did_peer_3)
    expect(peer3Of(oneService.did)).toBe(oneService.did_peer_3)
  })
})

for (const folder of ['sicpa-peer-did-python', 'sicpa-peer-did-jvm']) {
  describe(`did:peer vectors from ${folder}`, () => {
    const cases = read(`${folder}/resolve-vectors.json`).cases as {
      test: string
      did: string
      key_format?: string
      expected: { outcome: string; document?: DIDDocument }
    }[]

    for (const vector of cases) {
      const name = `${vector.test} ${vector.key_format ?? ''}`.trim()
      if (vector.expected.outcome === 'resolve-ok') {
        it(`resolves ${name} to the expected keys and services`, async () => {
          const { didDocument } = await resolve(vector.did)
          expect(material(didDocument as DIDDocument)).toEqual(
            material(vector.expected.document as DIDDocument),
          )
        })
      } else {
        it(`refuses ${name}`, async () => {
          const result = await resolve(vector.did)
          expect(result.didDocument).toBeNull()
          expect(result.didResolutionMetadata.error).toBe('invalidDid')
        })
      }
    }
  })
}

describe('did:peer:4', () => {
  for (const file of [
    'spec/did-peer-4-example.json',
    'did-peer-4-reference/readme-hello-world.json',
  ]) {
    it(`encodes and resolves both forms of ${file}`, () => {
      const vector = read(file)
      expect(encodePeer4(vector.input_document)).toBe(vector.long_form_did)
      expect(resolvePeer4(vector.long_form_did)).toEqual(vector.expected_resolved_long_form)
      expect(resolvePeer4(vector.short_form_did)).toEqual(vector.expected_resolved_short_form)
    })
  }

  it('resolves the short form of the input-document helper example', () => {
    const vector = read('did-peer-4-reference/readme-input-doc-helper.json')
    expect(encodePeer4(vector.input_document)).toBe(vector.long_form_did)
    resolvePeer4(vector.long_form_did)
    expect(resolvePeer4(vector.short_form_did)).toEqual(vector.expected_resolved_short_form)
  })

  it('does not resolve a short form whose long form it never saw', () => {
    expect(resolvePeer4('did:peer:4zQmS19jtYDvGtKVrJhQnRFpBQAx3pJ9omx2HpNrcXFuRCz9')).toBeNull()
  })

  const examples = read('did-peer-4-reference/example-input-documents.json').examples
  for (const example of examples) {
    it(`accepts upstream input document ${example.index}`, () => {
      const did = encodePeer4(example.input_document)
      expect(did).toBe(example.computed_by_this_collection.long_form_did)
      expect(resolvePeer4(did)?.id).toBe(did)
    })
  }

  const invalid = read('did-peer-4-reference/invalid-input-documents.json').invalid_input_documents
  invalid.forEach((document: unknown, index: number) => {
    it(`refuses invalid input document ${index}: ${JSON.stringify(document)}`, async () => {
      expect(() => encodePeer4(document)).toThrow(TypeError)
      const result = await resolve(rawPeer4(document))
      expect(result.didDocument).toBeNull()
      expect(result.didResolutionMetadata.error).toBe('invalidDid')
    })
  })

  it('refuses a long form whose hash does not match its document', async () => {
    const did = encodePeer4({ hello: 'world' })
    const other = encodePeer4({ hello: 'there' })
    const forged = `${did.slice(0, did.lastIndexOf(':'))}${other.slice(other.lastIndexOf(':'))}`
    expect((await resolve(forged)).didResolutionMetadata.error).toBe('invalidDid')
  })
})

/** Encodes any JSON value as a did:peer:4 long form, skipping validation (spec algorithm). */
function rawPeer4(document: unknown): string {
  const json = Buffer.from(JSON.stringify(document), 'utf8')
  const encoded = base58btc.encode(Buffer.concat([Buffer.from([0x80, 0x04]), json]))
  const digest = createHash('sha256').update(encoded).digest()
  return `did:peer:4${base58btc.encode(Buffer.concat([Buffer.from([0x12, 0x20]), digest]))}:${encoded}`
}
