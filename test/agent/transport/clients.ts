/** Minimal HTTPS and WebSocket clients for the transport tests, with explicit TLS material. */
import { readFileSync } from 'node:fs'
import { request } from 'node:https'

import WebSocket from 'ws'

import type { Pki } from './fixtures.js'

/** POSTs a text body; resolves with the status or the client-side error code. */
export function post(uri: string, pki: Pki, certName: string | undefined, ca = pki.ca) {
  const files = certName === undefined ? {} : readPair(pki, certName)
  return new Promise<number | string>((resolve) => {
    const req = request(uri, {
      method: 'POST',
      ca: readFileSync(ca),
      ...files,
      agent: false,
      headers: { 'content-type': 'text/plain' },
    })
    req.on('response', (res) => {
      res.resume()
      resolve(res.statusCode ?? 0)
    })
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
    req.end('x')
  })
}

/** Opens a WebSocket; resolves with `open` or the client-side error code. */
export function openWs(uri: string, pki: Pki, certName: string | undefined, ca = pki.ca) {
  const files = certName === undefined ? {} : readPair(pki, certName)
  return new Promise<string>((resolve) => {
    const ws = new WebSocket(uri, { ca: readFileSync(ca), ...files })
    ws.on('open', () => {
      ws.close()
      resolve('open')
    })
    ws.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? 'error'))
  })
}

function readPair(pki: Pki, name: string) {
  const paths = pki.cert(name)
  return { cert: readFileSync(paths.cert), key: readFileSync(paths.key) }
}
