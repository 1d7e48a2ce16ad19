/**
 * Errors of the inbound guard: the checks made after a message was unpacked and before it is
 * stored for the protocol engine.
 */
import { ParleyError } from '../errors.js'

/** A message id this sender has already delivered and Parley has already accepted. */
export class GuardReplayError extends ParleyError {
  static override readonly code = 'ERR_GUARD_REPLAY'
}

/** The sender is on `peers.deny`, or `peers.allow` is set and does not list it. */
export class GuardPeerDeniedError extends ParleyError {
  static override readonly code = 'ERR_GUARD_PEER_DENIED'
}

/**
 * The DID named in the client certificate is not the message's `from` or its proven sender.
 * A connection's transport identity and message identity must agree (`transport.tls.bindDid`).
 */
export class GuardBindingMismatchError extends ParleyError {
  static override readonly code = 'ERR_GUARD_BINDING_MISMATCH'
}

/** The message carries no `created_time`, so its age and its replay window cannot be judged. */
export class GuardUndatedError extends ParleyError {
  static override readonly code = 'ERR_GUARD_UNDATED'
}

/**
 * The message's `created_time` is older than `didcomm.maxMessageAgeSeconds`: past the window the
 * replay cache remembers, so it could be a replay that nothing else would catch.
 */
export class GuardTooOldError extends ParleyError {
  static override readonly code = 'ERR_GUARD_TOO_OLD'
}
