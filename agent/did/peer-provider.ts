/**
 * A Veramo identifier provider for did:peer:2 as Parley creates it: one Ed25519 authentication
 * key, one X25519 key-agreement key and any number of DIDCommMessaging services (Veramo's own
 * provider takes one service and orders the keys differently).
 *
 * @see https://identity.foundation/peer-did-method-spec/#method-2-multiple-inception-key-without-doc
 */
import type { IAgentContext, IIdentifier, IKey, IKeyManager, IService } from '@veramo/core'
import { AbstractIdentifierProvider } from '@veramo/did-manager'

import { encodeMultikey } from './keys.js'
import { encodePeer2, type Peer2Service } from './peer2.js'

/** Options of `didManagerCreate({ provider: 'did:peer', options })`. */
export interface CreatePeerDidOptions {
  /** One DIDCommMessaging service per entry, in this order. */
  services?: Peer2Service[]
}

type Context = IAgentContext<IKeyManager>

/** Creates did:peer:2 identifiers; they cannot be updated (the DID is the document). */
export class ParleyPeerDidProvider extends AbstractIdentifierProvider {
  private readonly defaultKms: string

  constructor(options: { defaultKms: string }) {
    super()
    this.defaultKms = options.defaultKms
  }

  override async createIdentifier(
    args: { kms?: string; alias?: string; options?: CreatePeerDidOptions },
    context: Context,
  ): Promise<Omit<IIdentifier, 'provider'>> {
    const kms = args.kms ?? this.defaultKms
    const signing = await context.agent.keyManagerCreate({ kms, type: 'Ed25519' })
    const agreement = await context.agent.keyManagerCreate({ kms, type: 'X25519' })
    const services = args.options?.services ?? []

    const did = encodePeer2(
      [
        { purpose: 'authentication', multikey: multikeyOf(signing) },
        { purpose: 'keyAgreement', multikey: multikeyOf(agreement) },
      ],
      services,
    )

    return {
      did,
      controllerKeyId: signing.kid,
      keys: [signing, agreement],
      services: services.map((service, index) => toIService(did, service, index)),
    }
  }

  override async updateIdentifier(): Promise<IIdentifier> {
    throw new Error('not_supported: a did:peer:2 cannot be updated')
  }

  override async deleteIdentifier(identifier: IIdentifier, context: Context): Promise<boolean> {
    for (const { kid } of identifier.keys) await context.agent.keyManagerDelete({ kid })
    return true
  }

  override async addKey(): Promise<unknown> {
    throw new Error('not_supported: a did:peer:2 cannot be updated')
  }

  override async removeKey(): Promise<unknown> {
    throw new Error('not_supported: a did:peer:2 cannot be updated')
  }

  override async addService(): Promise<unknown> {
    throw new Error('not_supported: a did:peer:2 cannot be updated')
  }

  override async removeService(): Promise<unknown> {
    throw new Error('not_supported: a did:peer:2 cannot be updated')
  }
}

function multikeyOf(key: IKey): string {
  const curve = key.type === 'Ed25519' ? 'Ed25519' : 'X25519'
  return encodeMultikey({ curve, bytes: Buffer.from(key.publicKeyHex, 'hex') })
}

function toIService(did: string, service: Peer2Service, index: number): IService {
  return {
    id: `${did}#${index === 0 ? 'service' : `service-${index}`}`,
    type: 'DIDCommMessaging',
    serviceEndpoint: {
      uri: service.uri,
      accept: service.accept ?? ['didcomm/v2'],
      routingKeys: service.routingKeys ?? [],
    },
  }
}
