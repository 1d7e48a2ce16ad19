/**
 * The DID document of one of our did:web identifiers, built from the keys and services Veramo
 * stores for it. The transports serve it at the DID's `did.json` URL; the codec uses it for our
 * own did:web DIDs without fetching it.
 *
 * @see https://w3c-ccg.github.io/did-method-web/#create-register
 */
import type { IIdentifier } from '@veramo/core'
import type { DIDDocument, Service, VerificationMethod } from 'did-resolver'

import { encodeMultikey } from './keys.js'

/** Builds the document: Ed25519 keys authenticate, X25519 keys agree, services as stored. */
export function didWebDocument(identifier: IIdentifier): DIDDocument {
  const did = identifier.did
  const methods: VerificationMethod[] = []
  const authentication: string[] = []
  const keyAgreement: string[] = []

  for (const key of identifier.keys) {
    const curve = key.type === 'Ed25519' ? 'Ed25519' : key.type === 'X25519' ? 'X25519' : undefined
    if (curve === undefined) continue
    const multikey = encodeMultikey({ curve, bytes: Buffer.from(key.publicKeyHex, 'hex') })
    const id = `${did}#${multikey}`
    methods.push({ id, type: 'Multikey', controller: did, publicKeyMultibase: multikey })
    if (curve === 'Ed25519') authentication.push(id)
    else keyAgreement.push(id)
  }

  return {
    '@context': ['https://www.w3.org/ns/did/v1', 'https://w3id.org/security/multikey/v1'],
    id: did,
    verificationMethod: methods,
    authentication,
    assertionMethod: authentication,
    keyAgreement,
    service: identifier.services.map((service) => ({ ...service }) as Service),
  }
}
