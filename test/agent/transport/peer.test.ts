import type { TLSSocket } from 'node:tls'

import { describe, expect, it } from 'vitest'

import type { TlsConfig } from '../../../agent/config/schema.js'
import type { PeerCertificateInfo } from '../../../agent/inbound/types.js'
import { TlsNotAllowedError } from '../../../agent/transport/errors.js'
import { checkOncePerConnection } from '../../../agent/transport/peer.js'

const TLS = { allow: { subjects: [], sanUris: [] } } as unknown as TlsConfig

/** A check that counts its calls, refusing the sockets listed. */
function countingCheck(refused: Set<object> = new Set()) {
  const calls: object[] = []
  const check = (socket: TLSSocket): PeerCertificateInfo => {
    calls.push(socket)
    if (refused.has(socket)) throw new TlsNotAllowedError('not allowed')
    return { fingerprint256: `FP${calls.length}`, subject: 'CN=alice', sanUris: [] }
  }
  return { calls, check }
}

describe('checkOncePerConnection', () => {
  it('checks each connection once and answers its later requests from the first check', () => {
    const { calls, check } = countingCheck()
    const checkCertificate = checkOncePerConnection(check)
    const first = {} as TLSSocket
    const second = {} as TLSSocket

    const answers = [first, first, second, first, second].map(
      (socket) => checkCertificate(socket, TLS).fingerprint256,
    )

    expect(answers).toEqual(['FP1', 'FP1', 'FP2', 'FP1', 'FP2'])
    expect(calls).toEqual([first, second])
  })

  it('checks a refused connection again on its next request', () => {
    const socket = {} as TLSSocket
    const { calls, check } = countingCheck(new Set([socket]))
    const checkCertificate = checkOncePerConnection(check)

    expect(() => checkCertificate(socket, TLS)).toThrow(TlsNotAllowedError)
    expect(() => checkCertificate(socket, TLS)).toThrow(TlsNotAllowedError)
    expect(calls.length).toBe(2)
  })

  it('checks a connection again under other TLS settings', () => {
    const { calls, check } = countingCheck()
    const checkCertificate = checkOncePerConnection(check)
    const socket = {} as TLSSocket
    const stricter = { allow: { subjects: ['CN=bob'], sanUris: [] } } as unknown as TlsConfig

    checkCertificate(socket, TLS)
    checkCertificate(socket, stricter)

    expect(calls.length).toBe(2)
  })
})
