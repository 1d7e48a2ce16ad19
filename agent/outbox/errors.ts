/** Errors of the outbox: the durable queue of outbound messages. */
import { ParleyError } from '../errors.js'

/** A message was given up: it was not delivered before `outbox.expireAfterSeconds` passed. */
export class OutboxExpiredError extends ParleyError {
  static override readonly code = 'ERR_OUTBOX_EXPIRED'
}

/** A message could not be packed for its recipient; nothing was sent (fail closed). */
export class OutboxPackFailedError extends ParleyError {
  static override readonly code = 'ERR_OUTBOX_PACK_FAILED'
}
