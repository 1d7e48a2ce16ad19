/**
 * The contract between the protocol engine, which decides what to send, and the outbox, which
 * stores every outbound message before it is sent and delivers it until it arrives or expires.
 */
import type { EntityManager } from 'typeorm'

import type { PackForm, PlaintextMessage } from '../didcomm/types.js'

/** One message to send: `from` is one of our DIDs, `to` holds exactly one peer DID. */
export interface OutboundMessage {
  message: PlaintextMessage
  /** Defaults to `authcrypt`. */
  form?: PackForm
}

/** Writes outbound messages inside the caller's transaction, so state and outbox always agree. */
export interface OutboxWriter {
  /**
   * Queues a message within the given transaction; nothing is sent until it commits.
   *
   * @returns the outbox entry id.
   */
  enqueue(manager: EntityManager, outbound: OutboundMessage): Promise<string>
  /** Asks the delivery loop to look at the queue now (call after the transaction commits). */
  kick(): void
}
