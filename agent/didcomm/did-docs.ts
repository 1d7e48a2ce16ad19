/**
 * Converts W3C DID documents into the shape didcomm-node accepts.
 *
 * didcomm-node refuses `Multikey` methods, relative ids, JWKs carrying `alg`, and DIDCommMessaging
 * services whose endpoint is a plain string; it needs all four of `verificationMethod`,
 * `authentication`, `keyAgreement` and `service`. Every verification method is therefore turned
 * into a `JsonWebKey2020` with a stripped JWK, every id made absolute, and every DIDCommMessaging
 * service turned into `{uri, accept, routing_keys}` objects. Other services are left out.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#did-document-service-endpoint
 */
import type { DIDDocument, Service, VerificationMethod } from 'did-resolver'

import {
  decodeBase58,
  decodeMultikey,
  rawToJwk,
  stripJwk,
  type KeyCurve,
  type PublicJwk,
} from '../did/keys.js'
import type { DidcommService } from './types.js'

/** A verification method as didcomm-node takes it. */
export interface DidcommVerificationMethod {
  id: string
  type: 'JsonWebKey2020'
  controller: string
  publicKeyJwk: PublicJwk
}

/** A DIDCommMessaging service as didcomm-node takes it. */
export interface DidcommNodeService {
  id: string
  type: 'DIDCommMessaging'
  serviceEndpoint: { uri: string; accept: string[]; routing_keys: string[] }
}

/** A DID document as didcomm-node takes it. */
export interface DidcommDidDoc {
  id: string
  verificationMethod: DidcommVerificationMethod[]
  authentication: string[]
  keyAgreement: string[]
  service: DidcommNodeService[]
}

const CURVE_BY_TYPE: Record<string, KeyCurve> = {
  Ed25519VerificationKey2018: 'Ed25519',
  Ed25519VerificationKey2020: 'Ed25519',
  X25519KeyAgreementKey2019: 'X25519',
  X25519KeyAgreementKey2020: 'X25519',
  EcdsaSecp256k1VerificationKey2019: 'secp256k1',
  EcdsaSecp256r1VerificationKey2019: 'P-256',
}

/**
 * Converts a resolved DID document into didcomm-node's shape.
 *
 * @throws TypeError when a verification method's key cannot be read.
 */
export function toDidcommDoc(doc: DIDDocument): DidcommDidDoc {
  const did = doc.id
  const methods = new Map<string, DidcommVerificationMethod>()

  for (const method of doc.verificationMethod ?? []) addMethod(methods, did, method)
  const authentication = relationship(methods, did, doc.authentication)
  const keyAgreement = relationship(methods, did, doc.keyAgreement)

  return {
    id: did,
    verificationMethod: [...methods.values()],
    authentication,
    keyAgreement,
    service: (doc.service ?? []).flatMap((service) => toDidcommServices(did, service)),
  }
}

/** The DIDCommMessaging services of a converted document, in Parley's own shape. */
export function servicesOf(doc: DidcommDidDoc): DidcommService[] {
  return doc.service.map((service) => ({
    id: service.id,
    uri: service.serviceEndpoint.uri,
    accept: service.serviceEndpoint.accept,
    routingKeys: service.serviceEndpoint.routing_keys,
  }))
}

/** Makes a DID URL absolute against its DID (`#key-1` becomes `did:...#key-1`). */
export function absolute(did: string, id: string): string {
  return id.startsWith('#') ? `${did}${id}` : id
}

/** The public JWK of a verification method in any of the encodings Parley reads. */
export function methodJwk(method: VerificationMethod): PublicJwk {
  if (method.publicKeyJwk !== undefined) return stripJwk(method.publicKeyJwk)

  if (method.publicKeyMultibase !== undefined) {
    const key = decodeMultikey(method.publicKeyMultibase)
    const declared = CURVE_BY_TYPE[method.type]
    if (declared !== undefined && declared !== key.curve) {
      throw new TypeError(`${method.id} is a ${method.type} holding a ${key.curve} key`)
    }
    return rawToJwk(key)
  }

  const curve = CURVE_BY_TYPE[method.type]
  if (method.publicKeyBase58 !== undefined && curve !== undefined) {
    return rawToJwk({ curve, bytes: decodeBase58(method.publicKeyBase58) })
  }

  throw new TypeError(`${method.id}: no public key Parley can read in a ${method.type}`)
}

function addMethod(
  methods: Map<string, DidcommVerificationMethod>,
  did: string,
  method: VerificationMethod,
): void {
  const id = absolute(did, method.id)
  methods.set(id, {
    id,
    type: 'JsonWebKey2020',
    controller: method.controller === undefined ? did : absolute(did, method.controller),
    publicKeyJwk: methodJwk(method),
  })
}

function relationship(
  methods: Map<string, DidcommVerificationMethod>,
  did: string,
  entries: (string | VerificationMethod)[] | undefined,
): string[] {
  // A reference to a method the document does not define is left out: no key, nothing to use.
  return (entries ?? []).flatMap((entry) => {
    if (typeof entry !== 'string') {
      addMethod(methods, did, entry)
      return [absolute(did, entry.id)]
    }
    const id = absolute(did, entry)
    return methods.has(id) ? [id] : []
  })
}

function toDidcommServices(did: string, service: Service): DidcommNodeService[] {
  if (service.type !== 'DIDCommMessaging') return []

  const id = absolute(did, service.id)
  const loose = service as Service & { accept?: unknown; routingKeys?: unknown }
  const endpoints = Array.isArray(service.serviceEndpoint)
    ? service.serviceEndpoint
    : [service.serviceEndpoint]

  return endpoints.flatMap((endpoint, index) => {
    const serviceId = index === 0 ? id : `${id}-${index}`
    if (typeof endpoint === 'string') {
      return [didcommService(serviceId, endpoint, loose.accept, loose.routingKeys)]
    }
    const object = endpoint as Record<string, unknown>
    if (typeof object['uri'] !== 'string') return []
    const routingKeys = object['routingKeys'] ?? object['routing_keys']
    return [didcommService(serviceId, object['uri'], object['accept'], routingKeys)]
  })
}

function didcommService(
  id: string,
  uri: string,
  accept: unknown,
  routingKeys: unknown,
): DidcommNodeService {
  return {
    id,
    type: 'DIDCommMessaging',
    serviceEndpoint: {
      uri,
      accept: stringArray(accept, ['didcomm/v2']),
      routing_keys: stringArray(routingKeys, []),
    },
  }
}

function stringArray(value: unknown, fallback: string[]): string[] {
  if (!Array.isArray(value)) return fallback
  return value.filter((item): item is string => typeof item === 'string')
}
