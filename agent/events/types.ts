/**
 * The events a Parley agent publishes in process, for programs that embed it and for webhooks.
 * Every payload is JSON. Events are published after the transaction that caused them commits.
 */
import type { ProtocolRecord } from '../../protocols/engine/types.js'

/** A connection, as events and the admin API show it. */
export interface ConnectionView {
  id: string
  theirDid: string
  ourDid: string
  label?: string
  /** `invitation-sent`, `invitation-accepted`, `inbound` or `outbound`. */
  origin: string
  invitationId?: string
  certificateFingerprint?: string
  firstSeen: string
  lastSeen: string
}

/** A message event: which message, in which thread, with whom. Never the body. */
export interface MessageEventPayload {
  messageId: string
  type: string
  thid: string
  peerDid: string
}

/** Every event name and its payload. */
export interface ParleyEventMap {
  /** A thread record was created or changed state. */
  'thread.state-changed': { record: ProtocolRecord; previousState: string }
  /** A message was accepted and applied to a thread. */
  'message.received': MessageEventPayload
  /** A message was queued in the outbox. */
  'message.queued': MessageEventPayload
  /** A message was refused and answered with a problem report (when the sender is known). */
  'message.refused': MessageEventPayload & { code: string; problemCode?: string }
  /** A problem report arrived from a peer. */
  'problem-report.received': MessageEventPayload & { code: string; comment?: string }
  /** A connection was created or seen again. */
  'connection.changed': { connection: ConnectionView }
  /** An out-of-band invitation was created. */
  'invitation.created': { id: string; url: string; multiUse: boolean; expiresAt?: string }
  /** A peer answered one of our invitations. */
  'invitation.used': { id: string; peerDid: string; useCount: number }
  /** A protocol-specific notification (a `notify` effect), e.g. `credential-received`. */
  'protocol.notified': { name: string; thid: string; protocol: string; payload: object }
}

/** An event name. */
export type ParleyEventName = keyof ParleyEventMap

/** A listener of one event. */
export type ParleyListener<K extends ParleyEventName> = (payload: ParleyEventMap[K]) => void

/** A listener of every event, with its name (webhooks use it). */
export type AnyListener = <K extends ParleyEventName>(name: K, payload: ParleyEventMap[K]) => void
