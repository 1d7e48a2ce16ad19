/**
 * The contract between the transports (which receive, unpack and check messages) and the protocol
 * engine (which acts on them). Transports hand every accepted message to a {@link MessageSink}.
 */
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

/** Takes accepted messages; the protocol engine implements it. */
export interface MessageSink {
  /**
   * Acts on one message: dispatches it, applies the transition and queues replies in the outbox.
   * Resolves once every effect is durably stored. A protocol failure is answered with a problem
   * report by the sink itself; it rejects only on faults of its own (the database is gone).
   */
  handle(received: ReceivedMessage): Promise<void>
}
