/**
 * The codec's sources over Veramo: DID documents from Veramo's resolver (our own did:web
 * documents built locally), private keys from kms-local's private-key store, decrypted by its
 * SecretBox. Veramo's agent API never hands out private keys, hence the store itself.
 */
import type { IIdentifier } from '@veramo/core'
import { PrivateKeyStore } from '@veramo/data-store'
import type { AbstractPrivateKeyStore } from '@veramo/key-manager'
import { SecretBox } from '@veramo/kms-local'
import { convertEd25519PrivateKeyToX25519, convertEd25519PublicKeyToX25519 } from '@veramo/utils'
import type { DataSource } from 'typeorm'

import type { AgentConfig } from '../config/schema.js'
import { base64url, okpBytes } from '../did/keys.js'
import { didWebDocument } from '../did/web-document.js'
import type { Logger } from '../logger.js'
import type { VeramoAgent } from '../veramo.js'
import { createCodec } from './codec.js'
import { toDidcommDoc } from './did-docs.js'
import { didOf, type DidcommSecret, type DidDocumentSource, type SecretSource } from './sources.js'
import type { DidcommCodec } from './types.js'

/** Resolution errors that mean "no such DID" rather than "the resolver failed". */
const NOT_FOUND = new Set(['notFound', 'invalidDid', 'unsupportedDidMethod'])

/**
 * DID documents through Veramo's resolver. Our own did:web documents are built from the key
 * store instead of being fetched from ourselves.
 */
export function veramoDids(veramo: VeramoAgent): DidDocumentSource {
  return {
    async resolve(did) {
      if (did.startsWith('did:web:')) {
        const ours = await findIdentifier(veramo, did)
        if (ours !== null) return didWebDocument(ours)
      }

      const result = await veramo.resolveDid({ didUrl: did })
      const error = result.didResolutionMetadata.error
      if (error !== undefined && NOT_FOUND.has(error)) return null
      if (error !== undefined)
        throw new Error(`${error}: ${result.didResolutionMetadata['message']}`)
      return result.didDocument
    },
  }
}

/**
 * Our private keys, found by the DID URL of their verification method: the method's public key
 * is matched against the identifier's keys (an X25519 method of a did:key against the X25519
 * conversion of its Ed25519 key), then read from the private-key store.
 */
export function veramoSecrets(
  veramo: VeramoAgent,
  privateKeys: AbstractPrivateKeyStore,
  dids: DidDocumentSource = veramoDids(veramo),
): SecretSource {
  const ours = new Set<string>()

  async function ownsDid(did: string): Promise<boolean> {
    if (ours.has(did)) return true
    const identifier = await findIdentifier(veramo, did)
    if (identifier !== null) ours.add(did)
    return identifier !== null
  }

  async function get(kid: string): Promise<DidcommSecret | null> {
    const identifier = await findIdentifier(veramo, didOf(kid))
    if (identifier === null) return null

    const doc = await dids.resolve(identifier.did)
    const method =
      doc === null ? undefined : toDidcommDoc(doc).verificationMethod.find((m) => m.id === kid)
    if (method === undefined || method.publicKeyJwk.kty !== 'OKP') return null

    const jwk = method.publicKeyJwk
    const d = await privateKeyFor(identifier, jwk.crv, Buffer.from(okpBytes(jwk)).toString('hex'))
    if (d === null) return null

    return { id: kid, type: 'JsonWebKey2020', privateKeyJwk: { ...jwk, d: base64url(d) } }
  }

  async function privateKeyFor(
    identifier: IIdentifier,
    curve: string,
    publicKeyHex: string,
  ): Promise<Uint8Array | null> {
    for (const key of identifier.keys) {
      if (key.type === curve && key.publicKeyHex === publicKeyHex) {
        const stored = Buffer.from(
          (await privateKeys.getKey({ alias: key.kid })).privateKeyHex,
          'hex',
        )
        return curve === 'Ed25519' ? stored.subarray(0, 32) : stored
      }

      if (curve === 'X25519' && key.type === 'Ed25519') {
        const converted = convertEd25519PublicKeyToX25519(Buffer.from(key.publicKeyHex, 'hex'))
        if (Buffer.from(converted).toString('hex') !== publicKeyHex) continue
        const stored = Buffer.from(
          (await privateKeys.getKey({ alias: key.kid })).privateKeyHex,
          'hex',
        )
        return convertEd25519PrivateKeyToX25519(stored)
      }
    }
    return null
  }

  return { get, ownsDid }
}

/** Options for {@link createVeramoCodec}. */
export interface CreateVeramoCodecOptions {
  veramo: VeramoAgent
  /** The agent's data source: kms-local's private keys are read from it. */
  dataSource: DataSource
  /** The at-rest secret that Veramo's SecretBox encrypts private keys with. */
  secretKey: string
  /** `didcomm` of agent.yml; defaults as there. */
  didcomm?: Partial<AgentConfig['didcomm']>
  /** Packed messages larger than this are refused. Default 1 MiB. */
  maxBytes?: number
  logger?: Logger
}

/** The codec of an agent: DID documents and keys from its Veramo agent. */
export function createVeramoCodec(options: CreateVeramoCodecOptions): DidcommCodec {
  const dids = veramoDids(options.veramo)
  const privateKeys = new PrivateKeyStore(options.dataSource, new SecretBox(options.secretKey))

  return createCodec({
    dids,
    secrets: veramoSecrets(options.veramo, privateKeys, dids),
    clockSkewSeconds: options.didcomm?.clockSkewSeconds,
    messageTtlSeconds: options.didcomm?.messageTtlSeconds,
    allowPlaintext: options.didcomm?.allowPlaintext,
    maxBytes: options.maxBytes,
    logger: options.logger,
  })
}

async function findIdentifier(veramo: VeramoAgent, did: string): Promise<IIdentifier | null> {
  try {
    return await veramo.didManagerGet({ did })
  } catch {
    return null
  }
}
