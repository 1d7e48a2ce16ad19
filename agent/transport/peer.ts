/**
 * What a verified TLS peer certificate says: fingerprint, subject, SAN URIs and the DID among
 * them; and the checks Parley makes on top of the handshake (client usage, allowlist).
 */
import { X509Certificate } from 'node:crypto'
import type { TLSSocket } from 'node:tls'

import type { TlsConfig } from '../config/schema.js'
import type { PeerCertificateInfo } from '../inbound/types.js'
import { TlsClientUsageError, TlsNotAllowedError } from './errors.js'

/** OID of the extended key usage "TLS client authentication". */
export const CLIENT_AUTH_OID = '1.3.6.1.5.5.7.3.2'

/** Reads the peer certificate of a TLS socket; undefined when the peer sent none. */
export function peerCertificateInfo(socket: TLSSocket): PeerCertificateInfo | undefined {
  const raw = socket.getPeerCertificate(false)?.raw
  if (raw === undefined) return undefined
  return certificateInfo(new X509Certificate(raw))
}

/** The facts Parley uses from a certificate. */
export function certificateInfo(certificate: X509Certificate): PeerCertificateInfo {
  const sanUris = parseSubjectAltName(certificate.subjectAltName)
    .filter((name) => name.type === 'URI')
    .map((name) => name.value)
  const info: PeerCertificateInfo = {
    fingerprint256: certificate.fingerprint256,
    subject: certificate.subject.split('\n').join(','),
    sanUris,
  }
  const did = sanUris.find((uri) => uri.startsWith('did:'))
  if (did !== undefined) info.did = did
  return info
}

/**
 * Checks what the handshake does not: that a client certificate which restricts its extended
 * key usage allows client authentication, and that the allowlist (when set) names it.
 *
 * @throws TlsClientUsageError (`ERR_TLS_CLIENT_USAGE`)
 * @throws TlsNotAllowedError (`ERR_TLS_NOT_ALLOWED`)
 */
export function checkClientCertificate(socket: TLSSocket, tls: TlsConfig): PeerCertificateInfo {
  const raw = socket.getPeerCertificate(false)?.raw
  if (raw === undefined || !socket.authorized) {
    throw new TlsNotAllowedError('the client presented no trusted certificate')
  }

  const certificate = new X509Certificate(raw)
  const usages = certificate.keyUsage
  if (usages !== undefined && !usages.includes(CLIENT_AUTH_OID)) {
    throw new TlsClientUsageError('the client certificate does not allow client authentication')
  }

  const info = certificateInfo(certificate)
  const { subjects, sanUris } = tls.allow
  if (subjects.length === 0 && sanUris.length === 0) return info

  const listed =
    subjects.includes(info.subject) || info.sanUris.some((uri) => sanUris.includes(uri))
  if (!listed) throw new TlsNotAllowedError(`the client certificate ${info.subject} is not allowed`)
  return info
}

/**
 * {@link checkClientCertificate} once per connection, as the WebSocket transport does: the
 * certificate a TLS connection was authenticated with does not change while it stays open, so
 * later HTTPS requests on a kept-alive connection reuse the first request's result instead of
 * parsing the certificate again. A refusal is not remembered; the next request is checked anew.
 * (A TLS 1.2 renegotiation verifies its certificate during the handshake too, and can only bring
 * one whose key the same client holds.)
 */
export function checkOncePerConnection(
  check: (socket: TLSSocket, tls: TlsConfig) => PeerCertificateInfo = checkClientCertificate,
): (socket: TLSSocket, tls: TlsConfig) => PeerCertificateInfo {
  const checked = new WeakMap<TLSSocket, { tls: TlsConfig; info: PeerCertificateInfo }>()
  return (socket, tls) => {
    const known = checked.get(socket)
    if (known !== undefined && known.tls === tls) return known.info

    const info = check(socket, tls)
    checked.set(socket, { tls, info })
    return info
  }
}

/** Splits node's one-line `subjectAltName` (`URI:did:..., DNS:host`) into typed names. */
export function parseSubjectAltName(text: string | undefined): { type: string; value: string }[] {
  if (text === undefined || text === '') return []
  return text.split(', ').map((entry) => {
    const colon = entry.indexOf(':')
    const type = entry.slice(0, colon)
    const rest = entry.slice(colon + 1)
    // Names with special characters come JSON-quoted.
    const value = rest.startsWith('"') ? (JSON.parse(rest) as string) : rest
    return { type, value }
  })
}
