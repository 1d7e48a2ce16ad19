/**
 * The agent's own DID, created once and found again by its alias on every later start.
 *
 * - `peer`: a did:peer:2 with an Ed25519 authentication key, an X25519 key-agreement key and one
 *   DIDCommMessaging service per endpoint, `{uri, accept: ['didcomm/v2'], routingKeys: []}`.
 * - `key`: a did:key over an Ed25519 key (its X25519 key-agreement key is derived from it).
 * - `web`: a did:web on `webDomain` with an Ed25519 and an X25519 key and the same services; the
 *   document is built by `didWebDocument` and must be served at the DID's URL.
 */
import type { IIdentifier } from '@veramo/core'

import type { AgentConfig } from './config/schema.js'
import type { CreatePeerDidOptions } from './did/peer-provider.js'
import { IdentityUnsupportedError } from './errors.js'
import { KMS, type VeramoAgent } from './veramo.js'

/** Options for {@link ensureIdentity}. */
export interface EnsureIdentityOptions {
  method: 'peer' | 'key' | 'web'
  /** Public DIDComm endpoints (https or wss URLs) to publish. */
  endpoints: string[]
  /** For `web`: the host, with `%3A` before a port and `:` between path segments. */
  webDomain?: string
  /** The name the identifier is stored under (a did:web identifier is stored under its domain). */
  alias: string
}

/** The identity options an agent.yml asks for: `identity` and `transport.endpoints`. */
export function identityOptions(config: AgentConfig): EnsureIdentityOptions {
  const { method, alias, webDomain } = config.identity
  const endpoints = config.transport.endpoints
  return webDomain === undefined
    ? { method, endpoints, alias }
    : { method, endpoints, alias, webDomain }
}

/**
 * Returns the agent's identifier of the given method and alias, creating it if there is none.
 *
 * @throws TypeError when `web` is asked for without a `webDomain`.
 * @throws IdentityUnsupportedError (`ERR_IDENTITY_UNSUPPORTED`) for any other method.
 */
export async function ensureIdentity(
  veramo: VeramoAgent,
  options: EnsureIdentityOptions,
): Promise<IIdentifier> {
  const provider = `did:${options.method}`
  if (options.method === 'web' && options.webDomain === undefined) {
    throw new TypeError('a did:web identity needs a webDomain')
  }

  const alias = options.method === 'web' ? (options.webDomain as string) : options.alias
  const existing = await findByAlias(veramo, alias, provider)
  if (existing !== null) return existing

  switch (options.method) {
    case 'peer': {
      const peerOptions: CreatePeerDidOptions = {
        services: options.endpoints.map((uri) => ({
          uri,
          accept: ['didcomm/v2'],
          routingKeys: [],
        })),
      }
      return veramo.didManagerCreate({ provider, alias, kms: KMS, options: peerOptions })
    }
    case 'key':
      return veramo.didManagerCreate({ provider, alias, kms: KMS, options: { keyType: 'Ed25519' } })
    case 'web':
      return createDidWeb(veramo, alias, options.endpoints)
    default:
      throw new IdentityUnsupportedError(`Parley does not create ${provider} identities`)
  }
}

async function createDidWeb(
  veramo: VeramoAgent,
  domain: string,
  endpoints: string[],
): Promise<IIdentifier> {
  const created = await veramo.didManagerCreate({
    provider: 'did:web',
    alias: domain,
    kms: KMS,
    options: { keyType: 'Ed25519' },
  })
  const agreement = await veramo.keyManagerCreate({ kms: KMS, type: 'X25519' })
  await veramo.didManagerAddKey({ did: created.did, key: agreement })

  for (const [index, uri] of endpoints.entries()) {
    await veramo.didManagerAddService({
      did: created.did,
      service: {
        id: `${created.did}#didcomm-${index}`,
        type: 'DIDCommMessaging',
        serviceEndpoint: { uri, accept: ['didcomm/v2'], routingKeys: [] },
      },
    })
  }

  return veramo.didManagerGet({ did: created.did })
}

async function findByAlias(
  veramo: VeramoAgent,
  alias: string,
  provider: string,
): Promise<IIdentifier | null> {
  const found = await veramo.didManagerFind({ alias, provider })
  return found[0] ?? null
}
