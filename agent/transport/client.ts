/**
 * Outbound delivery over HTTPS and WebSocket with the agent's client certificate, trusting only
 * the CAs in `transport.tls.ca`. HTTPS connections are kept alive and reused; one WebSocket is
 * kept per endpoint, reconnected with exponential backoff when it drops, and frames the peer
 * sends on it (replies on the return route) are handed to `receive`. Over a WebSocket to a Parley
 * peer, delivery is confirmed by transport receipts (see `receipt.ts`), as HTTPS confirms it by
 * the peer's `202`.
 */
import { Agent, request, type RequestOptions } from 'node:https'
import type { TLSSocket } from 'node:tls'

import WebSocket from 'ws'

import type { DidcommMediaType } from '../didcomm/types.js'
import type { InboundContext } from '../inbound/types.js'
import type { Logger } from '../logger.js'
import { TransportNotFoundError, TransportUndeliverableError } from './errors.js'
import { peerCertificateInfo } from './peer.js'
import type { TlsMaterial, TlsSource } from './tls.js'
import { openSocket, type ManagedSocket } from './client-ws.js'
import { DEFAULT_RECEIPT_TIMEOUT_MS } from './receipt.js'

/** Delivers packed messages to DIDCommMessaging endpoints. */
export interface OutboundClient {
  /**
   * Delivers one packed message to an `https:` or `wss:` endpoint. Resolves once the peer took
   * it: HTTP 202 or 200, or 409 `ERR_GUARD_REPLAY` (it already had it); over a WebSocket, the
   * peer's receipt saying the same, or, from a peer that does not speak receipts, the frame
   * written.
   *
   * @throws TransportUndeliverableError (`ERR_TRANSPORT_UNDELIVERABLE`)
   */
  send(uri: string, packed: string, mediaType: DidcommMediaType): Promise<void>
  /** Calls a listener whenever a WebSocket to a peer (re)opens; the outbox kicks on it. */
  onConnect(listener: (uri: string) => void): void
  /** Closes every connection and stops reconnecting. */
  close(): Promise<void>
}

/** Options for {@link createOutboundClient}. */
export interface CreateOutboundClientOptions {
  tls: TlsSource
  logger: Logger
  /**
   * Takes messages a peer sends back on an outbound connection (HTTP 200 body, WS frame).
   * Resolves once the message is durably stored, or rejects with a coded refusal: the WebSocket
   * receipt is sent after it settles.
   */
  receive?: (envelope: string, context: InboundContext) => Promise<void>
  /** WebSocket reconnect backoff; defaults to the outbox's 500 ms doubling up to 60 s. */
  reconnect?: { initialMs: number; maxMs: number; maxAttempts?: number }
  /** How long a WebSocket send waits for the peer's receipt; defaults to 30 s. */
  receiptTimeoutMs?: number
}

/** Creates the outbound client of one agent. */
export function createOutboundClient(options: CreateOutboundClientOptions): OutboundClient {
  const { tls, logger, receive } = options
  const reconnect = { maxAttempts: 10, initialMs: 500, maxMs: 60_000, ...options.reconnect }
  const sockets = new Map<string, ManagedSocket>()
  const connectListeners = new Set<(uri: string) => void>()
  let agent = httpsAgent(tls.current(), tls.config.minVersion)
  let closed = false

  const stopWatching = tls.onReload((material) => {
    agent.destroy()
    agent = httpsAgent(material, tls.config.minVersion)
    // Sockets opened with the old material are closed; they reopen with the new on next use.
    for (const socket of sockets.values()) socket.close()
    sockets.clear()
  })

  function socketFor(uri: string): ManagedSocket {
    const existing = sockets.get(uri)
    if (existing !== undefined && !existing.isClosed()) return existing

    const material = tls.current()
    const socket = openSocket({
      uri,
      connect: (protocols) =>
        new WebSocket(uri, protocols, {
          cert: material.cert,
          key: material.key,
          ca: material.ca,
          minVersion: tls.config.minVersion,
        }),
      reconnect,
      receiptTimeoutMs: options.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS,
      logger,
      onOpen: () => connectListeners.forEach((listener) => listener(uri)),
      onFrame: async (text, ws) => {
        if (receive === undefined) throw new TransportNotFoundError('this client takes no messages')

        const tlsSocket = (ws as unknown as { _socket?: TLSSocket })._socket
        const certificate = tlsSocket === undefined ? undefined : peerCertificateInfo(tlsSocket)
        const context: InboundContext = { transport: 'wss', remoteAddress: new URL(uri).host }
        if (certificate !== undefined) context.certificate = certificate
        try {
          await receive(text, context)
        } catch (err) {
          logger.warn({ err, endpoint: uri }, 'reply on the return route refused')
          throw err
        }
      },
    })
    sockets.set(uri, socket)
    return socket
  }

  return {
    async send(uri, packed, mediaType) {
      if (closed) throw new TransportUndeliverableError('the outbound client is closed')
      const scheme = new URL(uri).protocol
      if (scheme === 'https:') return postHttps(agent, uri, packed, mediaType, receive)
      if (scheme === 'wss:') return socketFor(uri).send(packed)
      throw new TransportUndeliverableError(`endpoint scheme ${scheme} is not https or wss`)
    },

    onConnect(listener) {
      connectListeners.add(listener)
    },

    async close() {
      closed = true
      stopWatching()
      for (const socket of sockets.values()) socket.close()
      sockets.clear()
      agent.destroy()
    },
  }
}

function httpsAgent(material: TlsMaterial, minVersion: 'TLSv1.2' | 'TLSv1.3'): Agent {
  return new Agent({
    keepAlive: true,
    cert: material.cert,
    key: material.key,
    ca: material.ca,
    minVersion,
  })
}

function postHttps(
  agent: Agent,
  uri: string,
  packed: string,
  mediaType: DidcommMediaType,
  receive: CreateOutboundClientOptions['receive'],
): Promise<void> {
  const body = Buffer.from(packed, 'utf8')
  const options: RequestOptions = {
    method: 'POST',
    agent,
    headers: { 'content-type': mediaType, 'content-length': body.length },
  }

  return new Promise((resolve, reject) => {
    const req = request(uri, options, (res) => {
      // Read now: a keep-alive socket is handed back to the pool by the time the body ends.
      const certificate = peerCertificateInfo(res.socket as TLSSocket)
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('error', reject)
      res.on('end', () => {
        const status = res.statusCode ?? 0
        const text = Buffer.concat(chunks).toString('utf8')
        const code = errorCode(text)

        if (status === 202 || (status === 409 && code === 'ERR_GUARD_REPLAY')) return resolve()
        if (status !== 200) {
          const error = `the peer answered ${status}${code === undefined ? '' : ` ${code}`}`
          return reject(new TransportUndeliverableError(error))
        }

        resolve()
        if (text === '' || receive === undefined) return
        const context: InboundContext = { transport: 'https', remoteAddress: new URL(uri).host }
        if (certificate !== undefined) context.certificate = certificate
        void receive(text, context).catch(() => undefined)
      })
    })
    req.on('error', (cause) => {
      reject(new TransportUndeliverableError(`cannot reach ${uri}`, { cause }))
    })
    req.end(body)
  })
}

function errorCode(text: string): string | undefined {
  try {
    const parsed = JSON.parse(text) as { code?: unknown }
    return typeof parsed.code === 'string' ? parsed.code : undefined
  } catch {
    return undefined
  }
}
