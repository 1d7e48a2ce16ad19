/**
 * The WebSocket side of the inbound transport, on the same TLS server: one DIDComm message per
 * frame, text or binary alike. Heartbeat pings drop peers that stop answering; frames above
 * `transport.ws.maxFrameBytes` close the connection (1009), a connection over its frame rate is
 * closed (1013), and a sender that policy refuses closes it (1008). An envelope that cannot be
 * unpacked is refused and audited but leaves the connection open, as a 400 leaves an HTTP
 * connection open; a message already accepted is dropped the same way, so that a client
 * resending its queue after a reconnect does no harm.
 *
 * A message asking for `return_route` makes this connection the route its sender's replies take.
 *
 * A client that offers the subprotocol {@link RECEIPT_PROTOCOL} gets it, and then receipts in both
 * directions: each frame it sends is answered with a receipt once the pipeline has stored it (or
 * refused it, with the code), and each reply written to it on the return route counts as
 * delivered only on the client's receipt. A client that offers other subprotocols gets the first
 * one, as before receipts existed; one that offers none gets none, and no receipts.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#websockets
 */
import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import type { TLSSocket } from 'node:tls'

import WebSocket, { WebSocketServer } from 'ws'

import type { AuditLog } from '../audit/log.js'
import type { AgentConfig, TlsConfig } from '../config/schema.js'
import { isParleyError } from '../errors.js'
import type { InboundPipeline } from '../inbound/pipeline.js'
import type { InboundContext } from '../inbound/types.js'
import type { Logger } from '../logger.js'
import { rawToBuffer, rawToText } from './client-ws.js'
import { httpStatusOf, TransportRateLimitedError, TransportTooLargeError } from './errors.js'
import { checkClientCertificate } from './peer.js'
import { createRateLimiter } from './rate-limit.js'
import {
  createReceiptWaiters,
  DEFAULT_RECEIPT_TIMEOUT_MS,
  frameDigest,
  parseReceipt,
  RECEIPT_PROTOCOL,
  receiptFrame,
  type ReceiptWaiters,
} from './receipt.js'
import { recordRefusal } from './refusal.js'
import type { ReturnRoutes } from './return-route.js'

/** What the WebSocket handler needs. */
export interface WsHandlerOptions {
  config: AgentConfig
  tls: TlsConfig
  pipeline: InboundPipeline
  routes?: ReturnRoutes
  audit?: AuditLog
  logger: Logger
  track: (work: Promise<unknown>) => void
  /** How long a reply on the return route waits for the client's receipt; defaults to 30 s. */
  receiptTimeoutMs?: number
}

/** The upgrade listener and the means to close every connection. */
export interface WsHandler {
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void
  /** Closes every connection with 1001 (going away). */
  close(): void
}

/** WebSocket close codes Parley uses. */
export const CLOSE = { goingAway: 1001, policy: 1008, tryLater: 1013 }

/** Creates the WebSocket side of the TLS server. */
export function createWsHandler(options: WsHandlerOptions): WsHandler {
  const { config, tls, pipeline, routes, audit, logger } = options
  const { path, maxFrameBytes, rateLimit, heartbeatSeconds } = config.transport.ws
  const receiptTimeoutMs = options.receiptTimeoutMs ?? DEFAULT_RECEIPT_TIMEOUT_MS
  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: maxFrameBytes,
    handleProtocols: (offered) =>
      offered.has(RECEIPT_PROTOCOL) ? RECEIPT_PROTOCOL : (offered.values().next().value ?? false),
  })
  const alive = new WeakMap<WebSocket, boolean>()
  const allWaiters = new Set<ReceiptWaiters>()

  const heartbeat = setInterval(() => {
    for (const ws of wss.clients) {
      if (alive.get(ws) === false) {
        ws.terminate()
        continue
      }
      alive.set(ws, false)
      ws.ping()
    }
  }, heartbeatSeconds * 1000)
  heartbeat.unref()

  function connection(ws: WebSocket, context: InboundContext): void {
    const limiter = createRateLimiter(rateLimit.limit, rateLimit.windowSeconds)
    const releases: (() => void)[] = []
    const receipts = ws.protocol === RECEIPT_PROTOCOL
    const waiters = createReceiptWaiters({
      peer: context.remoteAddress,
      timeoutMs: receiptTimeoutMs,
    })
    allWaiters.add(waiters)
    alive.set(ws, true)
    ws.on('pong', () => alive.set(ws, true))
    ws.on('close', () => {
      releases.splice(0).forEach((release) => release())
      waiters.failAll('the connection closed')
      allWaiters.delete(waiters)
    })

    const refuse = (error: unknown, closeCode: number | undefined): Promise<void> => {
      const code = isParleyError(error) ? error.code : 'ERR_INTERNAL'
      const reason = error instanceof Error ? error.message : 'internal error'
      if (closeCode !== undefined) ws.close(closeCode, code)
      const refusal = {
        transport: 'wss' as const,
        code,
        status: closeCode ?? 0,
        remoteAddress: context.remoteAddress,
        reason,
      }
      return recordRefusal(
        context.certificate ? { ...refusal, certificate: context.certificate } : refusal,
        audit,
        logger,
      )
    }

    ws.on('error', (error) => {
      // ws raises this for an oversized frame, then closes with 1009.
      const code = (error as { code?: string }).code
      if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        void refuse(new TransportTooLargeError(`frame above ${maxFrameBytes} bytes`), undefined)
      }
    })

    ws.on('message', (data: WebSocket.RawData) => {
      const text = rawToText(data)
      // Receipts answer our own frames; they are not counted against the client's rate.
      const receipt = receipts ? parseReceipt(text) : undefined
      if (receipt !== undefined) {
        if (!waiters.settle(receipt))
          logger.debug({ peer: context.remoteAddress }, 'receipt for no waiting frame')
        return
      }

      if (!limiter.take('frames').allowed) {
        options.track(refuse(new TransportRateLimitedError('too many frames'), CLOSE.tryLater))
        return
      }
      options.track(frame(text, data))
    })

    // With receipts negotiated, tells the client whether its frame was stored.
    const answer = (data: WebSocket.RawData, code?: string): void => {
      if (!receipts || ws.readyState !== WebSocket.OPEN) return
      ws.send(receiptFrame(frameDigest(rawToBuffer(data)), code))
    }

    async function frame(text: string, data: WebSocket.RawData): Promise<void> {
      let accepted
      try {
        accepted = await pipeline.accept(text, context)
      } catch (error) {
        const code = isParleyError(error) ? error.code : 'ERR_INTERNAL'
        answer(data, code)
        const status = httpStatusOf(code)
        if (status === 400 || status === 409) return refuse(error, undefined)
        return refuse(error, CLOSE.policy)
      }
      answer(data)

      const { identity, returnRoute } = accepted
      if (returnRoute !== 'none' && identity !== undefined && routes !== undefined) {
        releases.push(
          routes.hold(identity, {
            transport: 'wss',
            send: (packed) => (receipts ? waiters.send(ws, packed) : sendFrame(ws, packed)),
          }),
        )
      }
      await pipeline.process(accepted)
      if (returnRoute !== 'none' && identity !== undefined) await routes?.flush(identity)
    }
  }

  return {
    upgrade(req, socket, head) {
      const tlsSocket = req.socket as TLSSocket
      const remoteAddress = tlsSocket.remoteAddress ?? 'unknown'
      const context: InboundContext = { transport: 'wss', remoteAddress }
      const url = new URL(req.url ?? '/', 'https://localhost')

      let status = 404
      let code = 'ERR_TRANSPORT_NOT_FOUND'
      try {
        context.certificate = checkClientCertificate(tlsSocket, tls)
        if (url.pathname === path) {
          wss.handleUpgrade(req, socket, head, (ws) => connection(ws, context))
          return
        }
      } catch (error) {
        code = isParleyError(error) ? error.code : 'ERR_INTERNAL'
        status = httpStatusOf(code)
      }

      const statusLines = `HTTP/1.1 ${status} Refused\r\ncontent-type: application/json\r\n`
      socket.end(`${statusLines}connection: close\r\n\r\n${JSON.stringify({ code })}`)
      const refusal = {
        transport: 'wss' as const,
        code,
        status,
        remoteAddress,
        reason: `upgrade of ${url.pathname} refused`,
      }
      options.track(
        recordRefusal(
          context.certificate ? { ...refusal, certificate: context.certificate } : refusal,
          audit,
          logger,
        ),
      )
    },

    close() {
      clearInterval(heartbeat)
      for (const waiters of allWaiters) waiters.failAll('the server is stopping')
      for (const ws of wss.clients) ws.close(CLOSE.goingAway)
      wss.close()
    },
  }
}

function sendFrame(ws: WebSocket, packed: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (ws.readyState !== WebSocket.OPEN) return reject(new Error('the connection is closed'))
    ws.send(packed, (error) => (error ? reject(error) : resolve()))
  })
}
