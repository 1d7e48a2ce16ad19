/**
 * did:peer numalgo 2 (and the single-key numalgo 0): encoding and resolution, as the clarified
 * peer DID spec defines them. Resolved documents use `Multikey` methods `#key-1`, `#key-2`, ...
 * in DID order and services `#service`, `#service-1`, ...; the codec converts them for
 * didcomm-node.
 *
 * @see https://identity.foundation/peer-did-method-spec/#method-2-multiple-inception-key-without-doc
 */
import { createHash } from 'node:crypto'

import type { DIDDocument, Service, VerificationMethod } from 'did-resolver'
import { base58btc } from 'multiformats/bases/base58'

import { decodeMultikey, type KeyCurve } from './keys.js'

/** A key to put into a did:peer:2, by purpose. */
export interface Peer2Key {
  purpose: 'authentication' | 'keyAgreement'
  /** base58btc multibase multikey (`z6Mk...` for Ed25519, `z6LS...` for X25519). */
  multikey: string
}

/** A DIDCommMessaging service to put into a did:peer:2. */
export interface Peer2Service {
  uri: string
  accept?: string[]
  routingKeys?: string[]
}

const BASE58 = '[1-9A-HJ-NP-Za-km-z]'
const PEER0 = new RegExp(`^did:peer:0z${BASE58}+$`)
const PEER2 = new RegExp(`^did:peer:2((\\.[AEVID]z${BASE58}+)|(\\.S[A-Za-z0-9_=-]+))+$`)

const PURPOSE_CODE = { authentication: 'V', keyAgreement: 'E' } as const

const RELATIONSHIP: Record<string, keyof DIDDocument> = {
  A: 'assertionMethod',
  E: 'keyAgreement',
  V: 'authentication',
  I: 'capabilityInvocation',
  D: 'capabilityDelegation',
}

const SIGNING: KeyCurve[] = ['Ed25519', 'P-256', 'secp256k1']
const AGREEMENT: KeyCurve[] = ['X25519', 'P-256']

const EXPAND: Record<string, string> = {
  t: 'type',
  s: 'serviceEndpoint',
  r: 'routingKeys',
  a: 'accept',
}

/** Whether a string is a syntactically valid did:peer:0 or did:peer:2. */
export function isPeer2(did: string): boolean {
  return PEER2.test(did) || PEER0.test(did)
}

/**
 * Builds a did:peer:2 from its keys and services: keys in the given order, then services, each
 * service abbreviated (`t`, `s`, `uri`, `a`, `r`) and base64url-encoded.
 */
export function encodePeer2(keys: Peer2Key[], services: Peer2Service[]): string {
  const keyParts = keys.map((key) => `.${PURPOSE_CODE[key.purpose]}${key.multikey}`)
  const serviceParts = services.map((service) => {
    const abbreviated = {
      t: 'dm',
      s: { uri: service.uri, a: service.accept ?? ['didcomm/v2'], r: service.routingKeys ?? [] },
    }
    return `.S${Buffer.from(JSON.stringify(abbreviated)).toString('base64url')}`
  })
  return `did:peer:2${keyParts.join('')}${serviceParts.join('')}`
}

/**
 * Resolves a did:peer:2 or did:peer:0 to its DID document.
 *
 * @throws TypeError when the DID does not match the method's syntax, a key is not a valid
 *   multikey or not usable for its purpose, or a service does not decode.
 */
export function resolvePeer2(did: string): DIDDocument {
  if (PEER0.test(did)) return resolvePeer0(did)
  if (!PEER2.test(did)) throw new TypeError(`${did} is not a valid did:peer:2`)

  const doc: DIDDocument = {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [],
  }
  const services: Service[] = []

  for (const element of did.slice('did:peer:2.'.length).split('.')) {
    const code = element.charAt(0)
    const value = element.slice(1)
    if (code === 'S') {
      services.push(...decodeServices(value))
      continue
    }

    const id = `#key-${(doc.verificationMethod?.length ?? 0) + 1}`
    doc.verificationMethod?.push(multikeyMethod(did, id, value, code))
    const relationship = RELATIONSHIP[code] as 'authentication'
    doc[relationship] = [...(doc[relationship] ?? []), id]
  }

  doc.service = services.map((service, index) => ({
    ...service,
    id: service.id ?? (index === 0 ? '#service' : `#service-${index}`),
  }))
  doc.alsoKnownAs = [peer3Of(did)]
  return doc
}

/** The did:peer:3 short form of a did:peer:2: the SHA-256 multihash of its method-specific id. */
export function peer3Of(did: string): string {
  const digest = createHash('sha256').update(did.slice('did:peer:2'.length)).digest()
  return `did:peer:3${base58btc.encode(Buffer.concat([Buffer.from([0x12, 0x20]), digest]))}`
}

function resolvePeer0(did: string): DIDDocument {
  const multikey = did.slice('did:peer:0'.length)
  const method = multikeyMethod(did, `#${multikey.slice(1)}`, multikey, 'V')
  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: [method],
    authentication: [method.id],
    assertionMethod: [method.id],
    capabilityInvocation: [method.id],
    capabilityDelegation: [method.id],
  }
}

function multikeyMethod(
  did: string,
  id: string,
  multikey: string,
  code: string,
): VerificationMethod {
  const { curve } = decodeMultikey(multikey)
  const allowed = code === 'E' ? AGREEMENT : SIGNING
  if (!allowed.includes(curve)) {
    throw new TypeError(`a ${curve} key cannot serve as ${RELATIONSHIP[code]}`)
  }
  return { id, type: 'Multikey', controller: did, publicKeyMultibase: multikey }
}

function decodeServices(encoded: string): Service[] {
  let decoded: unknown
  try {
    decoded = JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8'))
  } catch {
    throw new TypeError('a did:peer:2 service is not base64url-encoded JSON')
  }

  const list = Array.isArray(decoded) ? decoded : [decoded]
  return list.map((item) => expandService(item))
}

function expandService(item: unknown): Service {
  if (typeof item !== 'object' || item === null) throw new TypeError('invalid did:peer:2 service')

  const service = expandKeys(item as Record<string, unknown>)
  if (service['type'] === 'dm') service['type'] = 'DIDCommMessaging'
  if (typeof service['type'] !== 'string') throw new TypeError('a did:peer:2 service needs a type')

  const endpoint = service['serviceEndpoint']
  if (typeof endpoint === 'string') {
    // Legacy form: a string endpoint with routingKeys and accept beside it.
    const { routingKeys, accept, ...rest } = service
    const object: Record<string, unknown> = { uri: endpoint }
    if (accept !== undefined) object['accept'] = accept
    if (routingKeys !== undefined) object['routingKeys'] = routingKeys
    return { ...rest, serviceEndpoint: object } as unknown as Service
  }

  if (typeof endpoint !== 'object' || endpoint === null || Array.isArray(endpoint)) {
    throw new TypeError('a did:peer:2 service needs a serviceEndpoint')
  }
  const object = expandKeys(endpoint as Record<string, unknown>)
  if (typeof object['uri'] !== 'string') throw new TypeError('a did:peer:2 service needs a uri')
  return { ...service, serviceEndpoint: object } as unknown as Service
}

function expandKeys(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(object).map(([key, value]) => [EXPAND[key] ?? key, value]),
  )
}
