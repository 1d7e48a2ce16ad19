/**
 * didcomm-node's resolver interfaces over Parley's sources, with the caches that keep the hot
 * path lean: converted DID documents for a short time, secrets for the life of the codec.
 *
 * Errors thrown here cross into WASM and come back by their `name`, so they are raised with
 * didcomm-node's own kind names (`DIDCommIoError`, `DIDCommMalformed`).
 */
import { toDidcommDoc, type DidcommDidDoc } from './did-docs.js'
import { didcommNodeError } from './errors.js'
import type { DidcommSecret, DidDocumentSource, SecretSource } from './sources.js'

/** didcomm-node's `DIDResolver`, plus the converted-document lookup the codec uses itself. */
export interface CachedDidResolver {
  resolve(did: string): Promise<DidcommDidDoc | null>
}

/** didcomm-node's `SecretsResolver`. */
export interface CachedSecretsResolver {
  get_secret(kid: string): Promise<DidcommSecret | null>
  find_secrets(kids: string[]): Promise<string[]>
}

interface CacheEntry {
  doc: Promise<DidcommDidDoc | null>
  expiresAt: number
}

/** Entries kept at most; the oldest go first when it is full. */
const MAX_CACHED_DOCS = 1000

/**
 * Wraps a DID source: converts documents for didcomm-node and caches them for `ttlMs`
 * (a DID that did not resolve is not cached).
 */
export function cachedDidResolver(source: DidDocumentSource, ttlMs: number): CachedDidResolver {
  const cache = new Map<string, CacheEntry>()

  return {
    resolve(did) {
      const now = Date.now()
      const hit = cache.get(did)
      if (hit !== undefined && hit.expiresAt > now) return hit.doc

      const doc = load(source, did)
      if (cache.size >= MAX_CACHED_DOCS) cache.delete(cache.keys().next().value as string)
      cache.set(did, { doc, expiresAt: now + ttlMs })
      doc.then(
        (value) => value === null && cache.delete(did),
        () => cache.delete(did),
      )
      return doc
    },
  }
}

/**
 * Wraps a secret source. Secrets found are kept in memory for the life of the resolver, so the
 * key store is read (and decrypted) once per key; misses are not remembered.
 */
export function cachedSecretsResolver(source: SecretSource): CachedSecretsResolver {
  const cache = new Map<string, DidcommSecret>()

  async function get(kid: string): Promise<DidcommSecret | null> {
    const hit = cache.get(kid)
    if (hit !== undefined) return hit

    let secret: DidcommSecret | null
    try {
      secret = await source.get(kid)
    } catch (cause) {
      throw didcommNodeError('DIDCommIoError', `secret store failed: ${message(cause)}`)
    }

    if (secret !== null) cache.set(kid, secret)
    return secret
  }

  return {
    get_secret: get,
    async find_secrets(kids) {
      const found = await Promise.all(kids.map(async (kid) => ((await get(kid)) ? kid : null)))
      return found.filter((kid): kid is string => kid !== null)
    },
  }
}

async function load(source: DidDocumentSource, did: string): Promise<DidcommDidDoc | null> {
  let doc
  try {
    doc = await source.resolve(did)
  } catch (cause) {
    throw didcommNodeError('DIDCommIoError', `cannot resolve ${did}: ${message(cause)}`)
  }

  if (doc === null) return null

  try {
    return toDidcommDoc(doc)
  } catch (cause) {
    throw didcommNodeError('DIDCommMalformed', `DID document of ${did}: ${message(cause)}`)
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
