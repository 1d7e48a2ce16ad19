/**
 * Errors of the transports and of mutual TLS. Each refusal a peer can cause has its own code,
 * and the HTTP status it is answered with is part of the class (see {@link httpStatusOf}).
 */
import { ParleyError } from '../errors.js'

/** A request or frame whose media type is not a DIDComm envelope Parley accepts (HTTP 415). */
export class TransportMediaTypeError extends ParleyError {
  static override readonly code = 'ERR_TRANSPORT_MEDIA_TYPE'
}

/** A request body or frame above the configured size limit (HTTP 413, WebSocket close 1009). */
export class TransportTooLargeError extends ParleyError {
  static override readonly code = 'ERR_TRANSPORT_TOO_LARGE'
}

/** A client went over its request or frame rate limit (HTTP 429 with `Retry-After`). */
export class TransportRateLimitedError extends ParleyError {
  static override readonly code = 'ERR_TRANSPORT_RATE_LIMITED'
}

/** A body that is not a DIDComm envelope Parley could unpack (HTTP 400). */
export class TransportMalformedError extends ParleyError {
  static override readonly code = 'ERR_TRANSPORT_MALFORMED'
}

/** A request for a path or method the agent does not serve (HTTP 404 or 405). */
export class TransportNotFoundError extends ParleyError {
  static override readonly code = 'ERR_TRANSPORT_NOT_FOUND'
}

/** An outbound message could not be delivered to any of the peer's endpoints. */
export class TransportUndeliverableError extends ParleyError {
  static override readonly code = 'ERR_TRANSPORT_UNDELIVERABLE'
}

/** The peer has no DIDCommMessaging endpoint Parley can use, and no live return route. */
export class TransportNoEndpointError extends ParleyError {
  static override readonly code = 'ERR_TRANSPORT_NO_ENDPOINT'
}

/** The certificate, key or CA files could not be read or do not form usable TLS material. */
export class TlsMaterialError extends ParleyError {
  static override readonly code = 'ERR_TLS_MATERIAL'
}

/** A client was refused during the TLS handshake (missing, untrusted or expired certificate). */
export class TlsHandshakeRefusedError extends ParleyError {
  static override readonly code = 'ERR_TLS_HANDSHAKE_REFUSED'
}

/** A client certificate whose extended key usage does not allow client authentication. */
export class TlsClientUsageError extends ParleyError {
  static override readonly code = 'ERR_TLS_CLIENT_USAGE'
}

/** A trusted client certificate that the allowlist in `transport.tls.allow` does not name. */
export class TlsNotAllowedError extends ParleyError {
  static override readonly code = 'ERR_TLS_NOT_ALLOWED'
}

/** The HTTP status a transport or guard error is answered with; 500 for anything else. */
export function httpStatusOf(code: string): number {
  return HTTP_STATUS[code] ?? 500
}

const HTTP_STATUS: Record<string, number> = {
  ERR_TRANSPORT_MEDIA_TYPE: 415,
  ERR_TRANSPORT_TOO_LARGE: 413,
  ERR_TRANSPORT_RATE_LIMITED: 429,
  ERR_TRANSPORT_MALFORMED: 400,
  ERR_TRANSPORT_NOT_FOUND: 404,
  ERR_TLS_CLIENT_USAGE: 403,
  ERR_TLS_NOT_ALLOWED: 403,
  ERR_GUARD_PEER_DENIED: 403,
  ERR_GUARD_BINDING_MISMATCH: 403,
  ERR_GUARD_REPLAY: 409,
  ERR_GUARD_UNDATED: 400,
  ERR_GUARD_TOO_OLD: 400,
}
