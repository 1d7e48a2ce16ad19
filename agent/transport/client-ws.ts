/**
 * One outbound WebSocket kept open to a peer's endpoint: opened on first use, reconnected with
 * exponential backoff when it drops (up to a number of attempts, after which the next send opens
 * it afresh), and closed for good by {@link ManagedSocket.close}.
 */
import WebSocket from 'ws'

import type { Logger } from '../logger.js'
import { TransportUndeliverableError } from './errors.js'

/** A WebSocket that reconnects. */
export interface ManagedSocket {
  /** Writes one frame, waiting for the socket to open first. */
  send(text: string): Promise<void>
  isClosed(): boolean
  close(): void
}

/** Options for {@link openSocket}. */
export interface OpenSocketOptions {
  uri: string
  connect: () => WebSocket
  reconnect: { initialMs: number; maxMs: number; maxAttempts: number }
  logger: Logger
  onOpen: () => void
  onFrame: (text: string, ws: WebSocket) => void
}

/** Opens a managed socket. */
export function openSocket(options: OpenSocketOptions): ManagedSocket {
  const { uri, connect, reconnect, logger } = options
  let ws: WebSocket
  let opened: Promise<WebSocket>
  let failures = 0
  let closed = false
  let timer: NodeJS.Timeout | undefined

  function dial(): void {
    ws = connect()
    const current = ws
    opened = new Promise((resolve, reject) => {
      current.once('open', () => resolve(current))
      current.once('error', (cause) =>
        reject(new TransportUndeliverableError(`cannot open ${uri}`, { cause })),
      )
    })
    opened.catch(() => undefined)

    current.on('open', () => {
      failures = 0
      logger.info({ endpoint: uri }, 'websocket open')
      options.onOpen()
    })
    current.on('message', (data: WebSocket.RawData) => {
      options.onFrame(rawToText(data), current)
    })
    current.on('error', (err) => logger.warn({ err, endpoint: uri }, 'websocket error'))
    current.on('close', (code) => {
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
      const socket = await opened
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
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8')
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8')
  return data.toString('utf8')
}
