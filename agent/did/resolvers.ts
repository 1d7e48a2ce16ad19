/**
 * DID method resolvers Parley adds to Veramo's: did:peer (numalgo 2 and 4) and did:web.
 */
import { getResolver as getPeerResolver } from '@veramo/did-provider-peer'
import type { ResolverRegistry } from 'did-resolver'

/** The resolvers for the DID methods Parley uses besides did:key. */
export function parleyDidResolvers(): ResolverRegistry {
  return { ...getPeerResolver() }
}
