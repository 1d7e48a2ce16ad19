/**
 * Parley's DIDComm v2 codec on didcomm-node: pack and unpack, then the checks didcomm-node leaves
 * to its caller. Where DID documents and private keys come from is the caller's choice
 * (`sources.ts`); Veramo supplies them in an agent (`veramo-sources.ts`).
 *
 * Limits, stated here because the reader meets them here: one recipient per message; no
 * mediators (messages are never wrapped in `forward`, routing keys are ignored); didcomm-node
 * does not implement P-384 or P-521. A non-integer time inside an encrypted message can only be
 * reported as `ERR_DIDCOMM_MALFORMED`, because didcomm-node refuses it before Parley sees it.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/
 */
import didcomm from 'didcomm-node'

import { silentLogger, type Logger } from '../logger.js'
import { cachedDidResolver, cachedSecretsResolver } from './adapters.js'
import { checkUnpacked } from './checks.js'
import { servicesOf } from './did-docs.js'
import { diagnoseMalformed } from './diagnose.js'
import {
  DidcommDidNotResolvedError,
  DidcommPlaintextRefusedError,
  DidcommTooLargeError,
  fromDidcommNode,
} from './errors.js'
import { toUnpackMetadata } from './metadata.js'
import type { DidDocumentSource, SecretSource } from './sources.js'
import type {
  DidcommCodec,
  DidcommService,
  PackOptions,
  PackResult,
  PlaintextMessage,
  UnpackOptions,
  UnpackResult,
} from './types.js'

const { Message } = didcomm

/** Options for {@link createCodec}. */
export interface CodecOptions {
  /** Where DID documents come from. */
  dids: DidDocumentSource
  /** Where our private keys come from, and which DIDs are ours. */
  secrets: SecretSource
  /** How far in the future an inbound `created_time` may be. Default 120 s. */
  clockSkewSeconds?: number
  /** `expires_time` of outbound messages, this long after `created_time`. Default 3600 s. */
  messageTtlSeconds?: number
  /** Packed messages larger than this are refused before parsing. Default 1 MiB. */
  maxBytes?: number
  /** How long a resolved DID document is reused. Default 60 s. */
  didCacheTtlMs?: number
  /** Accept plaintext unless a call says otherwise. Default false. */
  allowPlaintext?: boolean
  /** The clock, in seconds since the epoch. Default: the system clock. */
  now?: () => number
  logger?: Logger
}

const PLAIN_TYP = 'application/didcomm-plain+json'

/**
 * Creates a codec over the given DID and secret sources.
 *
 * Outbound messages get an integer `created_time` (now) and `expires_time` (now plus the TTL)
 * unless they carry their own; key ids in envelopes are absolute DID URLs of key-agreement (and,
 * for signatures, authentication) methods.
 */
export function createCodec(options: CodecOptions): DidcommCodec {
  const clockSkewSeconds = options.clockSkewSeconds ?? 120
  const messageTtlSeconds = options.messageTtlSeconds ?? 3600
  const maxBytes = options.maxBytes ?? 1024 * 1024
  const now = options.now ?? (() => Math.floor(Date.now() / 1000))
  const logger = options.logger ?? silentLogger()
  const dids = cachedDidResolver(options.dids, options.didCacheTtlMs ?? 60_000)
  const secrets = cachedSecretsResolver(options.secrets)
  const ownsDid = (did: string) => options.secrets.ownsDid(did)

  async function services(did: string): Promise<DidcommService[]> {
    let doc
    try {
      doc = await dids.resolve(did)
    } catch (error) {
      throw fromDidcommNode(error)
    }
    if (doc === null) throw new DidcommDidNotResolvedError(`${did} did not resolve`)
    return servicesOf(doc)
  }

  async function pack(
    message: PlaintextMessage,
    packOptions: PackOptions = {},
  ): Promise<PackResult> {
    const form = packOptions.form ?? 'authcrypt'
    const to = singleRecipient(message)
    const needsFrom = form !== 'anoncrypt'
    if (needsFrom && typeof message.from !== 'string') {
      throw new TypeError(`a ${form} message needs a from DID`)
    }

    const created = message.created_time ?? now()
    const value = {
      ...message,
      typ: PLAIN_TYP,
      created_time: created,
      expires_time: message.expires_time ?? created + messageTtlSeconds,
    }
    assertIntegerTimes(value)

    const from = message.from ?? null
    let packed: string
    const plain = new Message(value as ConstructorParameters<typeof Message>[0])
    try {
      packed = await packWith(plain, form, to, from)
    } catch (error) {
      throw fromDidcommNode(error)
    } finally {
      plain.free()
    }

    logger.debug(
      { id: message.id, type: message.type, thid: message.thid, peer: to, form },
      'packed',
    )
    const mediaType =
      form === 'signed' ? 'application/didcomm-signed+json' : 'application/didcomm-encrypted+json'
    return { packed, mediaType, services: await services(to) }
  }

  async function packWith(
    plain: InstanceType<typeof Message>,
    form: NonNullable<PackOptions['form']>,
    to: string,
    from: string | null,
  ): Promise<string> {
    const encrypt = { forward: false, protect_sender: false }
    switch (form) {
      case 'authcrypt':
        return (await plain.pack_encrypted(to, from, null, dids, secrets, encrypt))[0]
      case 'anoncrypt':
        return (await plain.pack_encrypted(to, null, null, dids, secrets, encrypt))[0]
      case 'signed':
        return (await plain.pack_signed(from as string, dids, secrets))[0]
      case 'signed-authcrypt':
        return (await plain.pack_encrypted(to, from, from, dids, secrets, encrypt))[0]
      case 'signed-anoncrypt':
        return (await plain.pack_encrypted(to, null, from, dids, secrets, encrypt))[0]
    }
  }

  async function unpack(packed: string, unpackOptions: UnpackOptions = {}): Promise<UnpackResult> {
    if (packed.length > maxBytes || Buffer.byteLength(packed, 'utf8') > maxBytes) {
      throw new DidcommTooLargeError(`the message is larger than ${maxBytes} bytes`)
    }

    let result
    try {
      const [unpacked, raw] = await Message.unpack(packed, dids, secrets, {
        expect_decrypt_by_all_keys: unpackOptions.expectDecryptByAllKeys ?? false,
        unwrap_re_wrapping_forward: false,
      })
      try {
        result = {
          message: unpacked.as_value() as PlaintextMessage,
          metadata: toUnpackMetadata(raw),
        }
      } finally {
        unpacked.free()
      }
    } catch (error) {
      throw diagnoseMalformed(packed, fromDidcommNode(error))
    }

    const { message, metadata } = result
    const plaintextAllowed = unpackOptions.allowPlaintext ?? options.allowPlaintext ?? false
    if (!metadata.encrypted && !metadata.nonRepudiation && !plaintextAllowed) {
      throw new DidcommPlaintextRefusedError('plaintext messages are not accepted here')
    }

    await checkUnpacked(message, metadata, {
      now: unpackOptions.now ?? now(),
      clockSkewSeconds,
      ownsDid,
    })

    const sender = senderOf(message, metadata)
    logger.debug(
      { id: message.id, type: message.type, thid: message.thid, peer: sender },
      'unpacked',
    )
    return sender === undefined ? { message, metadata } : { message, metadata, sender }
  }

  return { pack, unpack, services }
}

function singleRecipient(message: PlaintextMessage): string {
  if (!Array.isArray(message.to) || message.to.length !== 1 || typeof message.to[0] !== 'string') {
    throw new TypeError('Parley packs messages to exactly one recipient DID in to')
  }
  return message.to[0]
}

function assertIntegerTimes(message: { created_time: unknown; expires_time: unknown }): void {
  for (const time of [message.created_time, message.expires_time]) {
    if (!Number.isSafeInteger(time) || (time as number) < 0) {
      throw new TypeError('created_time and expires_time must be integer seconds')
    }
  }
}

function senderOf(
  message: PlaintextMessage,
  metadata: UnpackResult['metadata'],
): string | undefined {
  if (metadata.authenticated || metadata.nonRepudiation) return message.from
  return undefined
}
