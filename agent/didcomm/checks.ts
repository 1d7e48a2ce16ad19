/**
 * The checks didcomm-node leaves to its caller, made after every unpack. Each failure has its own
 * error, so that a refusal says exactly which rule the message broke.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#message-headers
 */
import {
  DidcommExpiredError,
  DidcommFromMismatchError,
  DidcommFutureDatedError,
  DidcommInvalidTimeError,
  DidcommNotAddressedToUsError,
  DidcommSignerMismatchError,
} from './errors.js'
import { didOf } from './sources.js'
import type { PlaintextMessage, UnpackMetadata } from './types.js'

/** What the checks need to know besides the message. */
export interface CheckContext {
  /** Seconds since the epoch to judge the times against. */
  now: number
  /** How far in the future `created_time` may be. */
  clockSkewSeconds: number
  /** Whether a DID is one of ours. */
  ownsDid: (did: string) => Promise<boolean>
}

/**
 * Checks an unpacked message's headers against how it was protected.
 *
 * @throws DidcommInvalidTimeError (`ERR_DIDCOMM_INVALID_TIME`) when a time is not an integer.
 * @throws DidcommExpiredError (`ERR_DIDCOMM_EXPIRED`) when `expires_time` has passed.
 * @throws DidcommFutureDatedError (`ERR_DIDCOMM_FUTURE_DATED`) when `created_time` is too far
 *   ahead.
 * @throws DidcommFromMismatchError (`ERR_DIDCOMM_FROM_MISMATCH`) when `from` is not the DID of
 *   the authcrypt sender key.
 * @throws DidcommSignerMismatchError (`ERR_DIDCOMM_SIGNER_MISMATCH`) when the signer is not `from`.
 * @throws DidcommNotAddressedToUsError (`ERR_DIDCOMM_NOT_ADDRESSED_TO_US`) when none of our DIDs
 *   is in `to`.
 */
export async function checkUnpacked(
  message: PlaintextMessage,
  metadata: UnpackMetadata,
  context: CheckContext,
): Promise<void> {
  checkTimes(message, context)

  if (
    metadata.encryptedFromKid !== undefined &&
    message.from !== didOf(metadata.encryptedFromKid)
  ) {
    throw new DidcommFromMismatchError(
      `from ${String(message.from)} is not the DID of the sender key ${metadata.encryptedFromKid}`,
    )
  }

  if (metadata.signFrom !== undefined && message.from !== didOf(metadata.signFrom)) {
    throw new DidcommSignerMismatchError(
      `from ${String(message.from)} is not the DID of the signing key ${metadata.signFrom}`,
    )
  }

  await checkAddressedToUs(message, metadata, context)
}

/**
 * Checks that `created_time` and `expires_time`, when present, are integers and that the message
 * is neither expired nor dated further ahead than the skew allows.
 *
 * @throws DidcommInvalidTimeError, DidcommExpiredError, DidcommFutureDatedError
 */
export function checkTimes(message: Record<string, unknown>, context: CheckContext): void {
  checkTimeTypes(message)

  const created = message['created_time']
  const expires = message['expires_time']

  if (typeof expires === 'number' && expires <= context.now) {
    throw new DidcommExpiredError(`message expired at ${expires}, now is ${context.now}`)
  }

  if (typeof created === 'number' && created > context.now + context.clockSkewSeconds) {
    throw new DidcommFutureDatedError(
      `created_time ${created} is more than ${context.clockSkewSeconds} s after ${context.now}`,
    )
  }
}

/**
 * Checks that `created_time` and `expires_time`, when present, are non-negative integers.
 *
 * @throws DidcommInvalidTimeError (`ERR_DIDCOMM_INVALID_TIME`)
 */
export function checkTimeTypes(
  message: Record<string, unknown>,
  options: { cause?: unknown } = {},
): void {
  for (const header of ['created_time', 'expires_time']) {
    const value = message[header]
    if (value !== undefined && !isTime(value)) {
      throw new DidcommInvalidTimeError(`${header} is not an integer number of seconds`, options)
    }
  }
}

async function checkAddressedToUs(
  message: PlaintextMessage,
  metadata: UnpackMetadata,
  context: CheckContext,
): Promise<void> {
  const to = message.to
  if (!Array.isArray(to)) {
    if (!metadata.encrypted) return
    throw new DidcommNotAddressedToUsError('an encrypted message must name its recipients in to')
  }

  // Encrypted: a DID in `to` must be that of a key we decrypted with, not just any DID of ours.
  if (metadata.encrypted) {
    const recipients = new Set((metadata.encryptedToKids ?? []).map(didOf))
    if (to.some((did) => recipients.has(did))) return
    throw new DidcommNotAddressedToUsError('to does not name the DID the message was encrypted to')
  }

  for (const did of to) {
    if (typeof did === 'string' && (await context.ownsDid(did))) return
  }

  throw new DidcommNotAddressedToUsError('none of our DIDs is in to')
}

function isTime(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0
}
