/**
 * Errors of the protocol engine. Each one that a peer can cause carries the report-problem 2.0
 * code it is answered with (`problemCode`, listed in docs/problem-codes.md); the dispatcher turns
 * it into a problem report in one place.
 */
import { ParleyError, type ParleyErrorOptions } from '../../agent/errors.js'

/** Options of a {@link ProtocolProblemError}. */
export interface ProblemErrorOptions extends ParleyErrorOptions {
  /** Overrides the class's problem code. */
  problemCode?: string
  /** Values for the `{1}`, `{2}` ... placeholders of the comment. */
  args?: string[]
}

/**
 * A failure a peer's message caused, answered with a problem report. Protocols may throw it
 * directly with their own `problemCode`, or subclass it.
 */
export class ProtocolProblemError extends ParleyError {
  static override readonly code: string = 'ERR_ENGINE_PROBLEM'
  /** The default report-problem code of the class. */
  static readonly problemCode: string = 'e.p.msg'

  /** The report-problem 2.0 code sent to the peer. */
  readonly problemCode: string
  readonly args: string[]

  constructor(message: string, options: ProblemErrorOptions = {}) {
    super(message, options)
    this.problemCode =
      options.problemCode ?? (new.target as typeof ProtocolProblemError).problemCode
    this.args = options.args ?? []
  }
}

/** A message type URI that is not `<doc-uri>/<protocol>/<major.minor>/<message>`. */
export class MessageTypeInvalidError extends ProtocolProblemError {
  static override readonly code = 'ERR_ENGINE_MESSAGE_TYPE_INVALID'
  static override readonly problemCode = 'e.p.msg.invalid'
}

/** No handler for the protocol, its major version, or the message name. */
export class ProtocolUnsupportedError extends ProtocolProblemError {
  static override readonly code = 'ERR_ENGINE_PROTOCOL_UNSUPPORTED'
  static override readonly problemCode = 'e.p.msg.unsupported'
}

/** A message whose body or headers the protocol cannot accept. */
export class MessageInvalidError extends ProtocolProblemError {
  static override readonly code = 'ERR_ENGINE_MESSAGE_INVALID'
  static override readonly problemCode = 'e.p.msg.invalid'
}

/** The event is not allowed in the thread's state; the thread is left as it was. */
export class TransitionIllegalError extends ProtocolProblemError {
  static override readonly code = 'ERR_ENGINE_TRANSITION_ILLEGAL'
  static override readonly problemCode = 'e.m.msg.unexpected'
}

/** A message continues a thread this agent has no record of. */
export class ThreadNotFoundError extends ProtocolProblemError {
  static override readonly code = 'ERR_ENGINE_THREAD_NOT_FOUND'
  static override readonly problemCode = 'e.p.msg.unknown-thread'
}

/** The message's sender is not authenticated (anoncrypt or plaintext) or is not the peer. */
export class SenderUnauthenticatedError extends ProtocolProblemError {
  static override readonly code = 'ERR_ENGINE_SENDER_UNAUTHENTICATED'
  static override readonly problemCode = 'e.p.trust'
}

/** A message with the same sender and id was already applied; it is refused, nothing changes. */
export class MessageDuplicateError extends ProtocolProblemError {
  static override readonly code = 'ERR_ENGINE_MESSAGE_DUPLICATE'
  static override readonly problemCode = 'e.m.msg.duplicate'
}

/**
 * The out-of-band invitation is malformed, of an unknown version, does not accept DIDComm v2, or
 * comes from a DID that cannot be reached.
 */
export class InvitationInvalidError extends ProtocolProblemError {
  static override readonly code = 'ERR_OOB_INVITATION_INVALID'
  static override readonly problemCode = 'e.p.msg.invalid'
}

/** The out-of-band invitation has passed its expiry time. */
export class InvitationExpiredError extends ProtocolProblemError {
  static override readonly code = 'ERR_OOB_INVITATION_EXPIRED'
  static override readonly problemCode = 'e.p.req.time'
}

/** A single-use out-of-band invitation was already used by another peer or thread. */
export class InvitationUsedError extends ProtocolProblemError {
  static override readonly code = 'ERR_OOB_INVITATION_USED'
  static override readonly problemCode = 'e.p.req.used'
}
