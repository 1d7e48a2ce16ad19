/**
 * did:peer numalgo 4: a DID document encoded in the DID itself (long form) and its hash (short
 * form). A short form resolves only after its long form has been seen by this process.
 *
 * @see https://identity.foundation/peer-did-method-spec/#method-4-short-form-and-long-form
 */
import { createHash } from 'node:crypto'

import type { DIDDocument } from 'did-resolver'
import { base58btc } from 'multiformats/bases/base58'

const LONG = /^did:peer:4(z[1-9A-HJ-NP-Za-km-z]+):(z[1-9A-HJ-NP-Za-km-z]+)$/
const SHORT = /^did:peer:4(z[1-9A-HJ-NP-Za-km-z]+)$/

/** The multicodec prefix of JSON (0x0200) as a varint. */
const JSON_CODEC = Uint8Array.from([0x80, 0x04])
const SHA256_MULTIHASH = Uint8Array.from([0x12, 0x20])

const RESOURCE_LISTS = [
  'verificationMethod',
  'authentication',
  'assertionMethod',
  'keyAgreement',
  'capabilityDelegation',
  'capabilityInvocation',
  'service',
]

/** Long forms seen, by short form, so that short forms can be resolved later. */
const seen = new Map<string, string>()
const MAX_SEEN = 10_000

/** Whether a string looks like a did:peer:4, long or short. */
export function isPeer4(did: string): boolean {
  return LONG.test(did) || SHORT.test(did)
}

/**
 * Encodes an input document as a long-form did:peer:4.
 *
 * @throws TypeError when the document is not a valid input document.
 */
export function encodePeer4(document: unknown): string {
  validatePeer4InputDocument(document)
  const json = Buffer.from(JSON.stringify(document), 'utf8')
  const encoded = base58btc.encode(Buffer.concat([JSON_CODEC, json]))
  return `did:peer:4${hashOf(encoded)}:${encoded}`
}

/** The short form of a long-form did:peer:4. */
export function shortFormOf(longForm: string): string {
  return longForm.slice(0, longForm.lastIndexOf(':'))
}

/**
 * Resolves a long-form did:peer:4 (checking its hash), or a short form whose long form was
 * resolved before.
 *
 * @returns the document, or `null` for a short form whose long form is unknown.
 * @throws TypeError when the DID is malformed, its hash does not match, or the encoded document
 *   is not a valid input document.
 */
export function resolvePeer4(did: string): DIDDocument | null {
  const short = SHORT.exec(did)
  if (short !== null) {
    const longForm = seen.get(did)
    return longForm === undefined ? null : contextualise(decodeLong(longForm), did, longForm)
  }

  const long = LONG.exec(did)
  if (long === null) throw new TypeError(`${did} is not a valid did:peer:4`)

  const document = decodeLong(did)
  const shortForm = shortFormOf(did)
  if (seen.size >= MAX_SEEN) seen.delete(seen.keys().next().value as string)
  seen.set(shortForm, did)
  return contextualise(document, did, shortForm)
}

/**
 * Checks an input document the way the reference implementation does: an object, not empty,
 * without `id`; `alsoKnownAs` and the resource lists are lists; every embedded resource has a
 * relative string `id` and a `type`.
 *
 * @throws TypeError naming the first problem.
 */
export function validatePeer4InputDocument(document: unknown): asserts document is DIDDocument {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) {
    throw new TypeError('a did:peer:4 input document must be an object')
  }

  const doc = document as Record<string, unknown>
  if (Object.keys(doc).length === 0) throw new TypeError('the input document is empty')
  if ('id' in doc) throw new TypeError('the input document must not have an id')
  if ('alsoKnownAs' in doc && !Array.isArray(doc['alsoKnownAs'])) {
    throw new TypeError('alsoKnownAs must be a list')
  }

  for (const key of RESOURCE_LISTS) {
    if (!(key in doc)) continue
    const list = doc[key]
    if (!Array.isArray(list)) throw new TypeError(`${key} must be a list`)
    list.forEach((resource: unknown, index) => validateResource(key, index, resource))
  }
}

function validateResource(key: string, index: number, resource: unknown): void {
  if (typeof resource !== 'object' || resource === null) return

  const { id, type } = resource as Record<string, unknown>
  if (typeof id !== 'string') throw new TypeError(`${key}[${index}] needs a string id`)
  if (!id.startsWith('#')) throw new TypeError(`${key}[${index}] id must be relative`)
  if (type === undefined) throw new TypeError(`${key}[${index}] needs a type`)
}

function decodeLong(did: string): DIDDocument {
  const [, hash, encoded] = LONG.exec(did) as RegExpExecArray
  if (hashOf(encoded as string) !== hash) throw new TypeError(`${did}: hash does not match`)

  const bytes = base58btc.decode(encoded as string)
  if (bytes[0] !== JSON_CODEC[0] || bytes[1] !== JSON_CODEC[1]) {
    throw new TypeError(`${did}: the encoded document is not JSON`)
  }

  let document: unknown
  try {
    document = JSON.parse(Buffer.from(bytes.subarray(2)).toString('utf8'))
  } catch {
    throw new TypeError(`${did}: the encoded document is not JSON`)
  }

  validatePeer4InputDocument(document)
  return document
}

function contextualise(document: DIDDocument, did: string, alsoKnownAs: string): DIDDocument {
  const withController = (resources: unknown) =>
    Array.isArray(resources)
      ? resources.map((resource: unknown) =>
          typeof resource === 'object' && resource !== null && !('controller' in resource)
            ? { ...resource, controller: did }
            : resource,
        )
      : resources

  const doc: Record<string, unknown> = { ...document }
  for (const key of RESOURCE_LISTS.filter((k) => k !== 'service' && k in doc)) {
    doc[key] = withController(doc[key])
  }
  doc['id'] = did
  doc['alsoKnownAs'] = [...(document.alsoKnownAs ?? []), alsoKnownAs]
  return doc as unknown as DIDDocument
}

function hashOf(encoded: string): string {
  const digest = createHash('sha256').update(encoded, 'utf8').digest()
  return base58btc.encode(Buffer.concat([SHA256_MULTIHASH, digest]))
}
