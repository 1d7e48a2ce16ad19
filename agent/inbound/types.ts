/**
 * The contract between the transports (which receive, unpack and check messages) and the protocol
 * engine (which acts on them). Transports hand every accepted message to a {@link MessageSink}.
 */
import type { EntityManager } from 'typeorm'

import type { PlaintextMessage, UnpackMetadata } from '../didcomm/types.js'

/** What the TLS layer proved about the client that sent a message. */
export interface PeerCertificateInfo {
  /** SHA-256 fingerprint of the client certificate, colon-separated hex as node:tls gives it. */
  fingerprint256: string
  /** The certificate subject, as a one-line string (`CN=...,O=...`). */
  subject: string
  /** Every URI subject alternative name. */
  sanUris: string[]
  /** The DID named in a URI SAN, when the certificate carries one. */
  did?: string
}

/** Where and how a message arrived. */
export interface InboundContext {
  transport: 'https' | 'wss'
  remoteAddress: string
  /** Absent only for messages replayed from storage after a restart, or in-process tests. */
  certificate?: PeerCertificateInfo
}

/** A message that passed unpack, the header checks and the guard. */
export interface ReceivedMessage {
  message: PlaintextMessage
  metadata: UnpackMetadata
  /** The DID proven to have sent it (authcrypt sender or signer); absent for anoncrypt. */
  sender?: string
  context: InboundContext
  /** Milliseconds since the epoch. */
  receivedAt: number
}

/**
 * Records in the inbox that a message was acted on, as part of the transaction given: the
 * pipeline hands one to the sink with each message.
 */
export type InboxSettle = (manager: EntityManager) => Promise<void>

/** Takes accepted messages; the protocol engine implements it. */
export interface MessageSink {
  /**
   * Acts on one message: dispatches it, applies the transition and queues replies in the outbox.
   * Resolves once every effect is durably stored. A protocol failure is answered with a problem
   * report by the sink itself; it rejects only on faults of its own (the database is gone).
   *
   * @param settle - when given, the sink runs it inside the transaction that stores the
   *   message's effects, so that the effects and the inbox row's `processedAt` commit together
   *   (one commit instead of two). A sink may leave it uncalled (a message without effects, a
   *   refusal): the pipeline then marks the row itself.
   */
  handle(received: ReceivedMessage, settle?: InboxSettle): Promise<void>
}
