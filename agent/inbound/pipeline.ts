/**
 * The inbound pipeline, from a raw envelope to the protocol engine:
 *
 * 1. unpack (decrypt, verify, header and time checks: the codec);
 * 2. binding: the DID in the client certificate is the message's sender;
 * 3. guard: peer allow and deny lists, then the replay cache;
 * 4. store the replay row and the inbox row in one transaction (shared with the other messages
 *    that arrived meanwhile: group commit);
 * 5. (the transport answers the sender)
 * 6. hand the message to the {@link MessageSink}, which marks the inbox row processed in the
 *    transaction that stores the message's effects (or the pipeline marks it afterwards).
 *
 * Transports call {@link InboundPipeline.accept} before they answer and
 * {@link InboundPipeline.process} after. Refusals are thrown as coded errors; the transport turns
 * them into a status or close code and writes the audit entry.
 */
import type { DataSource } from 'typeorm'

import type { AgentConfig } from '../config/schema.js'
import type { DidcommCodec, UnpackResult } from '../didcomm/types.js'
import { isParleyError } from '../errors.js'
import type { Logger } from '../logger.js'
import { TransportMalformedError } from '../transport/errors.js'
import { checkAge, checkBinding, checkPeer, provenIdentity, type GuardSettings } from './guard.js'
import { createAcceptWriter, type InboxItem } from './accept-writer.js'
import { markFailed, markProcessed, pruneReplay, unprocessed } from './store.js'
import type { InboundContext, InboxSettle, MessageSink, ReceivedMessage } from './types.js'

/** A message that passed every check and is durably stored, ready for the sink. */
export interface AcceptedMessage extends InboxItem {
  /** The DID replies may be routed back to over the same connection, when proven. */
  identity?: string
  /** The message's `return_route` header, `none` when absent. */
  returnRoute: 'all' | 'thread' | 'none'
}

/** The inbound path shared by every transport. */
export interface InboundPipeline {
  /**
   * Unpacks, checks and stores one envelope. Once it resolves the sender may be told `202`.
   *
   * @throws TransportMalformedError (`ERR_TRANSPORT_MALFORMED`) when the envelope cannot be
   *   unpacked or fails the codec's checks; the codec's own error is the `cause`.
   * @throws GuardBindingMismatchError (`ERR_GUARD_BINDING_MISMATCH`)
   * @throws GuardPeerDeniedError (`ERR_GUARD_PEER_DENIED`)
   * @throws GuardReplayError (`ERR_GUARD_REPLAY`)
   */
  accept(envelope: string, context: InboundContext): Promise<AcceptedMessage>
  /**
   * Hands an accepted message to the sink and marks it processed (inside the sink's transaction
   * when the sink takes the {@link InboxSettle} it is given). A sink failure is logged and left
   * in the inbox for {@link InboundPipeline.resume}; this never rejects.
   */
  process(accepted: InboxItem): Promise<void>
  /** Hands every unprocessed inbox row to the sink again, oldest first; returns how many. */
  resume(): Promise<number>
  /** Drops replay-cache rows older than `didcomm.maxMessageAgeSeconds`; returns how many. */
  prune(now?: number): Promise<number>
}

/** Options for {@link createInboundPipeline}. */
export interface CreateInboundPipelineOptions {
  codec: DidcommCodec
  dataSource: DataSource
  sink: MessageSink
  config: AgentConfig
  logger: Logger
}

/**
 * Builds the inbound pipeline of one agent.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#routing-protocol-20
 */
export function createInboundPipeline(options: CreateInboundPipelineOptions): InboundPipeline {
  const { codec, dataSource, sink, config, logger } = options
  const settings: GuardSettings = {
    bindDid: config.transport.tls?.bindDid ?? true,
    allow: config.peers.allow,
    deny: config.peers.deny,
  }
  const writer = createAcceptWriter(dataSource)

  async function process(item: InboxItem): Promise<void> {
    const { message } = item.received
    try {
      await sink.handle(item.received, (manager) => markProcessed(manager, item.inboxId))
      await markProcessed(dataSource.manager, item.inboxId)
    } catch (error) {
      const code = isParleyError(error) ? error.code : 'ERR_INTERNAL'
      const text = error instanceof Error ? error.message : String(error)
      logger.error({ err: error, messageId: message.id, type: message.type }, 'sink failed')
      await markFailed(dataSource, item.inboxId, { code, message: text }).catch(() => undefined)
    }
  }

  return {
    async accept(envelope, context) {
      const receivedAt = Date.now()
      const unpacked = await unpack(codec, envelope, config.didcomm.allowPlaintext)

      checkAge(unpacked.message, receivedAt, config.didcomm.maxMessageAgeSeconds)
      checkBinding(unpacked, context, settings)

      const identity = provenIdentity(unpacked, context)
      checkPeer(identity, settings)

      const received: ReceivedMessage = {
        message: unpacked.message,
        metadata: unpacked.metadata,
        context,
        receivedAt,
      }
      if (unpacked.sender !== undefined) received.sender = unpacked.sender
      const replaySender = identity ?? unpacked.message.from ?? ''
      const item = await writer.store(replaySender, received)

      logger.info(
        { messageId: unpacked.message.id, type: unpacked.message.type, peer: identity },
        'message accepted',
      )
      const returnRoute = unpacked.message.return_route ?? 'none'
      return identity === undefined ? { ...item, returnRoute } : { ...item, identity, returnRoute }
    },

    process,

    async resume() {
      const items = await unprocessed(dataSource)
      for (const item of items) await process(item)
      if (items.length > 0) logger.info({ count: items.length }, 'inbox resumed')
      return items.length
    },

    prune(now = Date.now()) {
      return pruneReplay(dataSource, now - config.didcomm.maxMessageAgeSeconds * 1000)
    },
  }
}

async function unpack(
  codec: DidcommCodec,
  envelope: string,
  allowPlaintext: boolean,
): Promise<UnpackResult> {
  try {
    return await codec.unpack(envelope, { allowPlaintext })
  } catch (cause) {
    const reason = isParleyError(cause) ? cause.code : 'unreadable envelope'
    throw new TransportMalformedError(`the envelope could not be unpacked (${reason})`, { cause })
  }
}
