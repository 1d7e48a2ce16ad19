/**
 * Webhooks: every event POSTed as JSON to the controller URLs in `events.webhooks`, with the
 * configured bearer token. Delivery is best effort: one attempt, failures logged at warn, never
 * blocking the agent. Payloads carry ids, types and states, never message bodies.
 */
import type { Logger } from 'pino'

import type { EventBus } from './bus.js'
import type { ParleyEventName } from './types.js'

/** One configured webhook. */
export interface WebhookTarget {
  url: string
  token?: string
}

/** The JSON body of a webhook call. */
export interface WebhookBody {
  event: ParleyEventName
  payload: unknown
  /** ISO 8601 time of publication. */
  at: string
}

/** Options for {@link forwardToWebhooks}. */
export interface ForwardOptions {
  logger: Logger
  /** Replaces `fetch`, for tests. */
  fetch?: typeof fetch
  /** Milliseconds before a call is abandoned. Defaults to 5000. */
  timeoutMs?: number
}

/**
 * Forwards every event on the bus to each webhook; returns the function that stops it.
 * With no webhooks configured it subscribes to nothing.
 */
export function forwardToWebhooks(
  bus: EventBus,
  targets: readonly WebhookTarget[],
  options: ForwardOptions,
): () => void {
  if (targets.length === 0) return () => undefined

  const send = options.fetch ?? fetch
  const timeoutMs = options.timeoutMs ?? 5000

  return bus.onAny((event, payload) => {
    const body: WebhookBody = { event, payload, at: new Date().toISOString() }
    for (const target of targets) {
      void post(send, target, body, timeoutMs).catch((error: unknown) => {
        options.logger.warn({ event, url: target.url, err: error }, 'webhook delivery failed')
      })
    }
  })
}

async function post(
  send: typeof fetch,
  target: WebhookTarget,
  body: WebhookBody,
  timeoutMs: number,
): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (target.token !== undefined) headers['authorization'] = `Bearer ${target.token}`

  const response = await send(target.url, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  })
  if (!response.ok) throw new Error(`webhook answered ${response.status}`)
}
