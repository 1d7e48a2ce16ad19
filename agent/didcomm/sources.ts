/**
 * The two seams of the codec: where DID documents and private keys come from.
 *
 * In an agent both come from Veramo (`veramo-sources.ts`); in tests and in
 * `parley message unpack --did-docs --secrets` they come from fixed lists ({@link staticDids},
 * {@link staticSecrets}). The codec wraps each in a didcomm-node adapter with a cache
 * (`adapters.ts`).
 */
import type { DIDDocument } from 'did-resolver'

import type { PublicJwk } from '../did/keys.js'

/** A private key as didcomm-node takes it. */
export interface DidcommSecret {
  /** The DID URL of the verification method whose private key this is. */
  id: string
  /** `JsonWebKey2020` for the secrets Parley produces; vectors also use other types. */
  type: string
  privateKeyJwk?: PublicJwk & { d: string }
  privateKeyMultibase?: string
  privateKeyBase58?: string
}

/** Resolves DIDs to W3C DID documents. */
export interface DidDocumentSource {
  /**
   * @returns the document, or `null` when the DID does not exist.
   * @throws when the resolver itself fails (network, storage); the codec reports that as
   *   `ERR_DIDCOMM_IO`.
   */
  resolve(did: string): Promise<DIDDocument | null>
}

/** Hands over our private keys and tells which DIDs are ours. */
export interface SecretSource {
  /** @returns the secret of the key with this DID URL, or `null` if it is not ours. */
  get(kid: string): Promise<DidcommSecret | null>
  /** Whether the DID is one of ours (we hold its keys). */
  ownsDid(did: string): Promise<boolean>
}

/** A {@link DidDocumentSource} over a fixed list of documents. */
export function staticDids(docs: readonly DIDDocument[]): DidDocumentSource {
  const byDid = new Map(docs.map((doc) => [doc.id, doc]))
  return { resolve: async (did) => byDid.get(did) ?? null }
}

/**
 * A {@link SecretSource} over a fixed list of secrets. The DIDs it owns are those of its keys.
 */
export function staticSecrets(secrets: readonly DidcommSecret[]): SecretSource {
  const byKid = new Map(secrets.map((secret) => [secret.id, secret]))
  const dids = new Set(secrets.map((secret) => didOf(secret.id)))
  return {
    get: async (kid) => byKid.get(kid) ?? null,
    ownsDid: async (did) => dids.has(did),
  }
}

/** A source that tries each of the given sources in turn. */
export function chainDids(...sources: DidDocumentSource[]): DidDocumentSource {
  return {
    async resolve(did) {
      for (const source of sources) {
        const doc = await source.resolve(did)
        if (doc !== null) return doc
      }
      return null
    },
  }
}

/** The DID of a DID URL: everything before the first `#`, `?` or `/` after the method part. */
export function didOf(didUrl: string): string {
  const end = didUrl.search(/[#?/]/)
  return end === -1 ? didUrl : didUrl.slice(0, end)
}
