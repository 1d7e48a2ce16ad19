/**
 * The errors of the DIDComm codec: one class per failure, each with a stable code.
 *
 * didcomm-node reports failures as `Error`s whose `name` is the kind (`DIDCommMalformed`, ...);
 * {@link fromDidcommNode} maps those kinds onto these classes and keeps the original as `cause`.
 */
import { ParleyError, type ParleyErrorOptions } from '../errors.js'

/** The base of every codec error; never raised on its own. */
export class DidcommError extends ParleyError {
  static override readonly code: string = 'ERR_DIDCOMM'
}

/** The envelope or the plaintext inside it is not a valid DIDComm v2 message. */
export class DidcommMalformedError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_MALFORMED'
}

/** A curve, algorithm or DID method that the codec does not implement (P-384, P-521, ...). */
export class DidcommUnsupportedError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_UNSUPPORTED'
}

/**
 * The message was packed by an implementation whose envelope Parley cannot read: a JWE without
 * `apu`/`apv` (as `@veramo/did-comm` packs it) or a flattened JWS.
 */
export class DidcommIncompatibleError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_INCOMPATIBLE'
}

/** A DID named by the message (sender, signer or recipient) could not be resolved. */
export class DidcommDidNotResolvedError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_DID_NOT_RESOLVED'
}

/** A DID resolved, but the key or service a DID URL points at is not in its document. */
export class DidcommDidUrlNotFoundError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_DID_URL_NOT_FOUND'
}

/** None of our private keys can open the message, or the sender key's secret is missing. */
export class DidcommSecretNotFoundError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_SECRET_NOT_FOUND'
}

/** A resolver or the key store failed while the message was packed or unpacked. */
export class DidcommIoError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_IO'
}

/** The codec or didcomm-node reached a state it should not; a bug, not bad input. */
export class DidcommInternalError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_INTERNAL'
}

/** The plaintext `from` is not the DID of the key that authcrypted the message. */
export class DidcommFromMismatchError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_FROM_MISMATCH'
}

/** The message is signed by a key of a DID other than its `from`. */
export class DidcommSignerMismatchError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_SIGNER_MISMATCH'
}

/** None of our DIDs is in the message's `to`. */
export class DidcommNotAddressedToUsError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_NOT_ADDRESSED_TO_US'
}

/** The message's `expires_time` has passed. */
export class DidcommExpiredError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_EXPIRED'
}

/** The message's `created_time` is further in the future than the allowed clock skew. */
export class DidcommFutureDatedError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_FUTURE_DATED'
}

/** `created_time` or `expires_time` is not a non-negative integer. */
export class DidcommInvalidTimeError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_INVALID_TIME'
}

/** A plaintext (unencrypted, unsigned) message arrived where plaintext is not allowed. */
export class DidcommPlaintextRefusedError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_PLAINTEXT_REFUSED'
}

/** The packed message is larger than the configured limit; it was not parsed. */
export class DidcommTooLargeError extends DidcommError {
  static override readonly code = 'ERR_DIDCOMM_TOO_LARGE'
}

type DidcommErrorClass = new (message: string, options?: ParleyErrorOptions) => DidcommError

const BY_KIND: Record<string, DidcommErrorClass> = {
  DIDCommMalformed: DidcommMalformedError,
  DIDCommUnsupported: DidcommUnsupportedError,
  DIDCommNoCompatibleCrypto: DidcommUnsupportedError,
  DIDCommDIDNotResolved: DidcommDidNotResolvedError,
  DIDCommDIDUrlNotFound: DidcommDidUrlNotFoundError,
  DIDCommSecretNotFound: DidcommSecretNotFoundError,
  DIDCommIoError: DidcommIoError,
  DIDCommInvalidState: DidcommInternalError,
  DIDCommIllegalArgument: DidcommMalformedError,
}

/**
 * Turns whatever didcomm-node threw into a codec error. Errors that are already Parley's pass
 * through; an unknown kind becomes {@link DidcommInternalError}.
 */
export function fromDidcommNode(error: unknown): DidcommError {
  if (error instanceof DidcommError) return error

  const name = error instanceof Error ? error.name : ''
  const message = error instanceof Error ? error.message : String(error)
  const ErrorClass = BY_KIND[name] ?? DidcommInternalError

  return new ErrorClass(message, { cause: error })
}

/**
 * Creates an `Error` that didcomm-node recognises by its `name` when a resolver throws it, so the
 * kind survives the trip through WASM (an unknown name would become `InvalidState`).
 */
export function didcommNodeError(
  kind: 'DIDCommIoError' | 'DIDCommMalformed' | 'DIDCommInvalidState',
  message: string,
): Error {
  const error = new Error(message)
  error.name = kind
  return error
}
