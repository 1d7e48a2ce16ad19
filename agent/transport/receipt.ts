/**
 * Transport receipts over WebSocket: the counterpart of HTTP's `202`. On a connection where the
 * subprotocol {@link RECEIPT_PROTOCOL} was negotiated, the receiver answers every DIDComm frame
 * with a small receipt frame once its inbound pipeline has durably stored the message, or refused
 * it (with the refusal's code, as an HTTP 4xx carries one). The sender counts a frame as delivered
 * only on its receipt.
 *
 * A receipt names its frame by the SHA-256 of the frame's bytes (frames are accepted
 * concurrently, so their order says nothing), and is a JSON object whose only member is
 * `parley_receipt`, which no DIDComm envelope (JWE, JWS or plaintext) can be mistaken for:
 *
 * ```json
 * { "parley_receipt": { "sha256": "<base64url>", "code": "ERR_GUARD_REPLAY" } }
 * ```
 *
 * `code` is absent when the message was stored.
 */
import { createHash } from 'node:crypto'

import WebSocket from 'ws'

import { TransportUndeliverableError } from './errors.js'

/** The subprotocol under which both sides send receipts. */
export const RECEIPT_PROTOCOL = 'parley-receipts.v1'

/**
 * Offered first, before {@link RECEIPT_PROTOCOL}: a foreign server that simply echoes the first
 * subprotocol offered (the `ws` library's default) picks this one, and no receipts are expected
 * from it. Parley's server picks {@link RECEIPT_PROTOCOL} whatever its place.
 */
export const PLAIN_PROTOCOL = 'parley.v1'

/** How long a sender waits for a receipt by default. */
export const DEFAULT_RECEIPT_TIMEOUT_MS = 30_000

/** What a receipt frame says about one frame. */
export interface Receipt {
  /** base64url SHA-256 of the frame's bytes. */
  sha256: string
  /** The refusal's code; absent when the message was stored. */
  code?: string
}

/** Sends frames and waits for their receipts on one connection. */
export interface ReceiptWaiters {
  /**
   * Writes one frame and resolves on its receipt: stored, or refused as a replay (the receiver
   * already had it).
   *
   * @throws TransportUndeliverableError (`ERR_TRANSPORT_UNDELIVERABLE`) when the write fails, the
   *   receiver refuses the frame with another code, no receipt comes within the timeout, or the
   *   connection closes first (see {@link ReceiptWaiters.failAll}).
   */
  send(ws: WebSocket, text: string): Promise<void>
  /** Settles the oldest frame waiting for this receipt; false when none was waiting. */
  settle(receipt: Receipt): boolean
  /** Rejects every frame still waiting (the connection closed). */
  failAll(reason: string): void
}

/** Options for {@link createReceiptWaiters}. */
export interface ReceiptWaitersOptions {
  /** The peer, for error messages (an endpoint URI or an address). */
  peer: string
  timeoutMs: number
}

/** The base64url SHA-256 of a frame's bytes, whether held as text or as received. */
export function frameDigest(frame: string | Buffer): string {
  return createHash('sha256').update(frame).digest('base64url')
}

/** The receipt frame for a frame with this digest: stored, or refused with `code`. */
export function receiptFrame(sha256: string, code?: string): string {
  const receipt: Receipt = code === undefined ? { sha256 } : { sha256, code }
  return JSON.stringify({ parley_receipt: receipt })
}

/** Reads a receipt frame; undefined for anything else (a DIDComm envelope above all). */
export function parseReceipt(text: string): Receipt | undefined {
  if (text.length > MAX_RECEIPT_LENGTH || !text.includes('parley_receipt')) return undefined

  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return undefined
  }

  if (!isObject(parsed) || Object.keys(parsed).length !== 1) return undefined
  const receipt = parsed['parley_receipt']
  if (!isObject(receipt) || typeof receipt['sha256'] !== 'string') return undefined
  const code = receipt['code']
  if (code !== undefined && typeof code !== 'string') return undefined
  return code === undefined ? { sha256: receipt['sha256'] } : { sha256: receipt['sha256'], code }
}

/** Creates the frames-awaiting-receipt registry of one connection. */
export function createReceiptWaiters(options: ReceiptWaitersOptions): ReceiptWaiters {
  const { peer, timeoutMs } = options
  const pending = new Map<string, Waiter[]>()

  function remove(sha256: string, waiter: Waiter): void {
    clearTimeout(waiter.timer)
    const remaining = (pending.get(sha256) ?? []).filter((w) => w !== waiter)
    if (remaining.length === 0) pending.delete(sha256)
    else pending.set(sha256, remaining)
  }

  return {
    send(ws, text) {
      const sha256 = frameDigest(text)
      return new Promise<void>((resolve, reject) => {
        const fail = (message: string, cause?: unknown): void => {
          remove(sha256, waiter)
          reject(new TransportUndeliverableError(message, cause === undefined ? {} : { cause }))
        }
        const timer = setTimeout(
          () => fail(`no receipt from ${peer} within ${timeoutMs} ms`),
          timeoutMs,
        )
        timer.unref()
        const waiter: Waiter = { resolve, fail, timer }
        pending.set(sha256, [...(pending.get(sha256) ?? []), waiter])

        if (ws.readyState !== WebSocket.OPEN) return fail(`the connection to ${peer} is closed`)
        ws.send(text, (cause) => {
          if (cause !== undefined && cause !== null) fail(`cannot write to ${peer}`, cause)
        })
      })
    },

    settle(receipt) {
      const waiter = pending.get(receipt.sha256)?.[0]
      if (waiter === undefined) return false

      remove(receipt.sha256, waiter)
      if (receipt.code === undefined || receipt.code === REPLAY) waiter.resolve()
      else waiter.fail(`${peer} refused the frame: ${receipt.code}`)
      return true
    },

    failAll(reason) {
      for (const waiters of [...pending.values()]) {
        for (const waiter of waiters) waiter.fail(`${reason} before ${peer} sent a receipt`)
      }
      pending.clear()
    },
  }
}

interface Waiter {
  resolve: () => void
  fail: (message: string, cause?: unknown) => void
  timer: NodeJS.Timeout
}

/** A receipt is about 120 bytes; anything much longer is not one. */
const MAX_RECEIPT_LENGTH = 512

/** The receiver already had the message: as good as stored (HTTP's `409 ERR_GUARD_REPLAY`). */
const REPLAY = 'ERR_GUARD_REPLAY'

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}
