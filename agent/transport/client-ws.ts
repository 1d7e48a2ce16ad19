/**
 * One outbound WebSocket kept open to a peer's endpoint: opened on first use, reconnected with
 * exponential backoff when it drops (up to a number of attempts, after which the next send opens
 * it afresh), and closed for good by {@link ManagedSocket.close}.
 *
 * It offers the subprotocols {@link PLAIN_PROTOCOL} and {@link RECEIPT_PROTOCOL}. When the server
 * picks the latter (a Parley server does), a send resolves only on the peer's receipt, and the
 * frames the peer sends on the socket are answered with receipts in turn. A server that picks no
 * subprotocol makes `ws` fail the handshake; the socket then dials again offering none, and
 * behaves as a plain DIDComm WebSocket: a send resolves once the frame is written.
 */
import WebSocket from 'ws'

import { isParleyError } from '../errors.js'
import type { Logger } from '../logger.js'
import { TransportUndeliverableError } from './errors.js'
import {
  createReceiptWaiters,
  frameDigest,
  parseReceipt,
  PLAIN_PROTOCOL,
  RECEIPT_PROTOCOL,
  receiptFrame,
  type ReceiptWaiters,
} from './receipt.js'

/** A WebSocket that reconnects. */
export interface ManagedSocket {
  /**
   * Writes one frame, waiting for the socket to open first. Resolves on the peer's receipt when
   * receipts were negotiated, else once the frame is written.
   *
   * @throws TransportUndeliverableError (`ERR_TRANSPORT_UNDELIVERABLE`)
   */
  send(text: string): Promise<void>
  isClosed(): boolean
  close(): void
}

/** Options for {@link openSocket}. */
export interface OpenSocketOptions {
  uri: string
  /** Dials the endpoint offering these subprotocols. */
  connect: (protocols: string[]) => WebSocket
  reconnect: { initialMs: number; maxMs: number; maxAttempts: number }
  /** How long a send waits for the peer's receipt. */
  receiptTimeoutMs: number
  logger: Logger
  onOpen: () => void
  /**
   * Takes a frame the peer sent (a DIDComm message). Resolves once it is durably stored, or
   * rejects with the coded refusal; with receipts negotiated, the peer is told either way.
   */
  onFrame: (text: string, ws: WebSocket) => Promise<void>
}

/** Opens a managed socket. */
export function openSocket(options: OpenSocketOptions): ManagedSocket {
  const { uri, connect, reconnect, logger } = options
  let ws: WebSocket
  let opened: Promise<{ socket: WebSocket; waiters: ReceiptWaiters }>
  let failures = 0
  let closed = false
  let offerReceipts = true
  let timer: NodeJS.Timeout | undefined

  function dial(): void {
    ws = connect(offerReceipts ? [PLAIN_PROTOCOL, RECEIPT_PROTOCOL] : [])
    const current = ws
    const waiters = createReceiptWaiters({ peer: uri, timeoutMs: options.receiptTimeoutMs })
    opened = new Promise((resolve, reject) => {
      current.once('open', () => resolve({ socket: current, waiters }))
      current.once('error', (cause) =>
        reject(new TransportUndeliverableError(`cannot open ${uri}`, { cause })),
      )
    })
    opened.catch(() => undefined)

    // With receipts negotiated, tells the peer whether a frame it sent was stored.
    const answer = (data: WebSocket.RawData, code: string | undefined): void => {
      if (current.protocol !== RECEIPT_PROTOCOL || current.readyState !== WebSocket.OPEN) return
      current.send(receiptFrame(frameDigest(rawToBuffer(data)), code))
    }

    current.on('open', () => {
      failures = 0
      logger.info({ endpoint: uri }, 'websocket open')
      options.onOpen()
    })
    current.on('message', (data: WebSocket.RawData) => {
      const text = rawToText(data)
      const receipt = current.protocol === RECEIPT_PROTOCOL ? parseReceipt(text) : undefined
      if (receipt !== undefined) {
        if (!waiters.settle(receipt))
          logger.debug({ endpoint: uri }, 'receipt for no waiting frame')
        return
      }

      options.onFrame(text, current).then(
        () => answer(data, undefined),
        (error: unknown) => answer(data, isParleyError(error) ? error.code : 'ERR_INTERNAL'),
      )
    })
    current.on('error', (err) => {
      logger.warn({ err, endpoint: uri }, 'websocket error')
      // A server that ignores subprotocols: speak plain DIDComm to it from now on.
      if (err.message === 'Server sent no subprotocol') offerReceipts = false
    })
    current.on('close', (code) => {
      waiters.failAll('the connection closed')
      if (closed) return
      failures++
      if (failures > reconnect.maxAttempts) {
        closed = true
        logger.warn({ endpoint: uri, code }, 'websocket given up after repeated failures')
        return
      }
      const delay = Math.min(reconnect.maxMs, reconnect.initialMs * 2 ** (failures - 1))
      logger.info({ endpoint: uri, code, delayMs: delay }, 'websocket closed; reconnecting')
      timer = setTimeout(dial, delay)
      timer.unref()
    })
  }

  dial()

  return {
    async send(text) {
      const { socket, waiters } = await opened
      if (socket.protocol === RECEIPT_PROTOCOL) return waiters.send(socket, text)
      await new Promise<void>((resolve, reject) => {
        socket.send(text, (cause) => {
          if (cause === undefined || cause === null) resolve()
          else reject(new TransportUndeliverableError(`cannot write to ${uri}`, { cause }))
        })
      })
    },

    isClosed: () => closed,

    close() {
      closed = true
      if (timer !== undefined) clearTimeout(timer)
      ws.close(1001)
      ws.terminate()
    },
  }
}

/** A frame's bytes as text, whether it came as a text or a binary frame. */
export function rawToText(data: WebSocket.RawData): string {
  return rawToBuffer(data).toString('utf8')
}

/** A frame's bytes, whatever form `ws` hands them over in. */
export function rawToBuffer(data: WebSocket.RawData): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data)
  if (data instanceof ArrayBuffer) return Buffer.from(data)
  return data
}
