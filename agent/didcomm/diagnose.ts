/**
 * Sharper errors for inputs didcomm-node refuses as merely "malformed": envelopes from
 * implementations Parley cannot read, and times that are not integers. Only run on the error
 * path, so a well-formed message is never parsed twice.
 */
import {
  DidcommIncompatibleError,
  DidcommInternalError,
  DidcommMalformedError,
  type DidcommError,
} from './errors.js'
import { checkTimeTypes } from './checks.js'

/**
 * Looks again at a packed message that didcomm-node refused as malformed (or, for input that is
 * not JSON, as an internal error) and returns a more precise error when there is one, else the
 * original.
 */
export function diagnoseMalformed(packed: string, error: DidcommError): DidcommError {
  // didcomm-node reports input that is not JSON at all as an internal error.
  const malformed = error instanceof DidcommMalformedError
  if (!malformed && !(error instanceof DidcommInternalError)) return error

  let parsed: unknown
  try {
    parsed = JSON.parse(packed)
  } catch {
    return new DidcommMalformedError('the message is not JSON', { cause: error })
  }

  if (!malformed) return error

  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return new DidcommMalformedError('the message is not a JSON object', { cause: error })
  }

  const envelope = parsed as Record<string, unknown>
  return incompatibility(envelope, error) ?? timeError(envelope, error) ?? error
}

function incompatibility(
  envelope: Record<string, unknown>,
  error: DidcommError,
): DidcommError | undefined {
  if (typeof envelope['signature'] === 'string' && envelope['signatures'] === undefined) {
    return new DidcommIncompatibleError(
      'flattened JWS serialization (as @veramo/did-comm signs); DIDComm v2 needs general JSON',
      { cause: error },
    )
  }

  if (typeof envelope['protected'] !== 'string' || envelope['ciphertext'] === undefined) {
    return undefined
  }

  const header = decodeHeader(envelope['protected'])
  if (header === undefined) return undefined

  if (
    header['apv'] === undefined ||
    (header['skid'] !== undefined && header['apu'] === undefined)
  ) {
    return new DidcommIncompatibleError(
      'JWE protected header lacks apu/apv (as @veramo/did-comm packs it, after an older ' +
        'ECDH-1PU draft); DIDComm v2 requires them',
      { cause: error },
    )
  }

  return undefined
}

function timeError(
  envelope: Record<string, unknown>,
  error: DidcommError,
): DidcommError | undefined {
  const payload =
    typeof envelope['payload'] === 'string' ? decodeHeader(envelope['payload']) : envelope
  if (payload === undefined) return undefined

  try {
    checkTimeTypes(payload, { cause: error })
  } catch (timeFailure) {
    return timeFailure as DidcommError
  }

  return undefined
}

function decodeHeader(base64url: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(base64url, 'base64url').toString('utf8'))
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}
