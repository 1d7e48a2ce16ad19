/**
 * DID method resolvers Parley adds to Veramo's: did:peer (numalgo 0, 2 and 4) and did:web.
 * did:key comes from Veramo (`@veramo/did-provider-key`).
 */
import type { DIDResolutionResult, DIDResolver, ResolverRegistry } from 'did-resolver'

import { resolvePeer2 } from './peer2.js'
import { resolvePeer4 } from './peer4.js'
import { didWebResolver, httpsJsonFetch, type JsonFetch } from './web.js'

/** Options for {@link parleyDidResolvers}. */
export interface ParleyDidResolversOptions {
  /** How did:web documents are fetched; tests pass one that trusts a test CA. */
  webFetch?: JsonFetch
}

/** The resolvers for the DID methods Parley uses besides did:key. */
export function parleyDidResolvers(options: ParleyDidResolversOptions = {}): ResolverRegistry {
  return {
    peer: peerResolver,
    web: didWebResolver(options.webFetch ?? httpsJsonFetch()),
  }
}

/** Resolves did:peer:0, did:peer:2 and did:peer:4 without any network or storage. */
export const peerResolver: DIDResolver = async (did): Promise<DIDResolutionResult> => {
  try {
    const didDocument = did.startsWith('did:peer:4') ? resolvePeer4(did) : resolvePeer2(did)
    if (didDocument === null) return failure('notFound', `${did}: long form never seen`)
    return {
      didDocument,
      didDocumentMetadata: {},
      didResolutionMetadata: { contentType: 'application/did+ld+json' },
    }
  } catch (error) {
    return failure('invalidDid', (error as Error).message)
  }
}

function failure(error: string, message: string): DIDResolutionResult {
  return { didDocument: null, didDocumentMetadata: {}, didResolutionMetadata: { error, message } }
}
