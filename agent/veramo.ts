/**
 * The Veramo agent inside every Parley agent: keys, DIDs, resolution and W3C credentials, all
 * stored in the agent's database with private keys encrypted by the at-rest secret.
 */
import {
  createAgent,
  type ICredentialPlugin,
  type IDataStore,
  type IDataStoreORM,
  type IDIDManager,
  type IKeyManager,
  type IResolver,
  type TAgent,
} from '@veramo/core'
import { CredentialProviderJWT } from '@veramo/credential-jwt'
import { CredentialPlugin } from '@veramo/credential-w3c'
import { DataStore, DataStoreORM, DIDStore, KeyStore, PrivateKeyStore } from '@veramo/data-store'
import { DIDManager } from '@veramo/did-manager'
import { getDidKeyResolver, KeyDIDProvider } from '@veramo/did-provider-key'
import { WebDIDProvider } from '@veramo/did-provider-web'
import { DIDResolverPlugin } from '@veramo/did-resolver'
import { KeyManager } from '@veramo/key-manager'
import { KeyManagementSystem, SecretBox } from '@veramo/kms-local'
import { Resolver, type ResolverRegistry } from 'did-resolver'
import type { DataSource } from 'typeorm'

import { ParleyPeerDidProvider } from './did/peer-provider.js'
import { parleyDidResolvers } from './did/resolvers.js'

/** The Veramo plugins every Parley agent carries. */
export type VeramoAgent = TAgent<
  IDIDManager & IKeyManager & IResolver & IDataStore & IDataStoreORM & ICredentialPlugin
>

/** The name of the one local key management system. */
export const KMS = 'local'

/** Options for {@link createVeramoAgent}. */
export interface CreateVeramoAgentOptions {
  dataSource: DataSource
  /** 64 hex characters; see `agent/secrets.ts`. */
  secretKey: string
  /** Extra DID method resolvers, for tests (for example a did:web resolver over a local server). */
  resolvers?: ResolverRegistry
}

/** Assembles the Veramo agent over an open data source. */
export function createVeramoAgent(options: CreateVeramoAgentOptions): VeramoAgent {
  const { dataSource, secretKey } = options

  return createAgent<
    IDIDManager & IKeyManager & IResolver & IDataStore & IDataStoreORM & ICredentialPlugin
  >({
    plugins: [
      new KeyManager({
        store: new KeyStore(dataSource),
        kms: {
          [KMS]: new KeyManagementSystem(new PrivateKeyStore(dataSource, new SecretBox(secretKey))),
        },
      }),
      new DIDManager({
        store: new DIDStore(dataSource),
        defaultProvider: 'did:peer',
        providers: {
          'did:peer': new ParleyPeerDidProvider({ defaultKms: KMS }),
          'did:key': new KeyDIDProvider({ defaultKms: KMS }),
          'did:web': new WebDIDProvider({ defaultKms: KMS }),
        },
      }),
      new DIDResolverPlugin({
        resolver: new Resolver({
          ...getDidKeyResolver(),
          ...parleyDidResolvers(),
          ...options.resolvers,
        }),
      }),
      new DataStore(dataSource),
      new DataStoreORM(dataSource),
      new CredentialPlugin([new CredentialProviderJWT()]),
    ],
  })
}
