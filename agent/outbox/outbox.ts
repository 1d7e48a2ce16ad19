/**
 * The outbox: every outbound message is written to the database inside the engine's own
 * transaction, then delivered by a loop that packs it (authcrypt by default), picks a live return
 * route or the recipient's DIDCommMessaging endpoint, and retries with exponential backoff until
 * it is delivered or expires. Rows are claimed before delivery, so several instances sharing one
 * database deliver each message once; the receiver's replay cache drops the copy a crash between
 * delivery and bookkeeping can cause.
 *
 * An agent with no endpoint of its own (`transport.endpoints` empty) asks for its replies on the
 * same connection: the outbox sets `return_route: "all"` on messages that do not say otherwise.
 */
import { hostname } from 'node:os'
import { randomUUID } from 'node:crypto'

import type { DataSource } from 'typeorm'

import type { AuditLog } from '../audit/log.js'
import type { AgentConfig } from '../config/schema.js'
import type { DidcommCodec, PackForm, PlaintextMessage } from '../didcomm/types.js'
import { isParleyError, StorageNotFoundError } from '../errors.js'
import type { Logger } from '../logger.js'
import type { OutboundClient } from '../transport/client.js'
import type { ReturnRoutes } from '../transport/return-route.js'
import { pickEndpoints, pickEndpointsForReturnRoute } from './endpoints.js'
import { OutboxExpiredError } from './errors.js'
import { deliverEntry } from './deliver.js'
import {
  backoffMs,
  claimEntry,
  dueEntries,
  insertEntry,
  listEntries,
  markDelivered,
  markExpired,
  markFailed,
  requeueEntry,
  type OutboxEntry,
  type OutboxListFilter,
} from './queue.js'
import type { OutboxWriter } from './types.js'

export type { OutboxEntry, OutboxListFilter } from './queue.js'

/** The outbox of one agent: the writer the engine uses, plus delivery and administration. */
export interface Outbox extends OutboxWriter {
  /** Starts the delivery loop (delivers whatever is due, including rows left by a crash). */
  start(): void
  /** Stops the loop and waits for the attempt in flight. */
  stop(): Promise<void>
  /** Delivers what is pending for one peer now, ignoring backoff (a return route just opened). */
  deliverTo(did: string): Promise<void>
  /** Runs one delivery pass over everything due; resolves when it is done. */
  deliverDue(): Promise<void>
  /** Rows, newest first. */
  list(filter?: OutboxListFilter): Promise<OutboxEntry[]>
  /**
   * Queues a row again (failed, expired or delivered), due now, with a fresh expiry.
   *
   * @throws StorageNotFoundError (`ERR_STORAGE_NOT_FOUND`) when no row has that id.
   */
  retry(id: string): Promise<OutboxEntry>
}

/** Options for {@link createOutbox}. */
export interface CreateOutboxOptions {
  dataSource: DataSource
  codec: DidcommCodec
  /** Delivers to endpoints; absent for an outbox that only queues (the CLI). */
  client?: OutboundClient
  /** Live return routes; shared with the transport server. */
  routes?: ReturnRoutes
  config: AgentConfig
  logger: Logger
  audit?: AuditLog
  /** This instance's name in claims; defaults to host name and a random suffix. */
  instanceId?: string
  /** How often the loop looks for due rows besides kicks; defaults to 1000 ms. */
  pollMs?: number
}

const BATCH = 20
/** How long a claim holds before another instance may take the row over. */
const CLAIM_MS = 60_000

/** Creates the outbox of one agent. The loop runs only after {@link Outbox.start}. */
export function createOutbox(options: CreateOutboxOptions): Outbox {
  const { dataSource, codec, client, routes, config, logger, audit } = options
  const owner = options.instanceId ?? `${hostname()}-${randomUUID().slice(0, 8)}`
  const pollMs = options.pollMs ?? 1000
  const addReturnRoute = config.transport.endpoints.length === 0
  let running = false
  let timer: NodeJS.Timeout | undefined
  let pass: Promise<void> = Promise.resolve()
  let again = false

  async function attempt(entry: OutboxEntry): Promise<void> {
    const now = Date.now()
    if (!(await claimEntry(dataSource, entry.id, owner, now, now + CLAIM_MS))) return

    if (now > entry.expiresAt) {
      await markExpired(dataSource, entry.id)
      logger.warn({ outboxId: entry.id, peer: entry.toDid }, 'outbound message expired')
      await audit?.record({
        kind: 'outbox.expired',
        code: OutboxExpiredError.code,
        outboxId: entry.id,
        messageId: entry.messageId,
        peer: entry.toDid,
      })
      return
    }

    try {
      const via = await deliverEntry(entry, {
        codec,
        client,
        routes,
        pickEndpoints: addReturnRoute ? pickEndpointsForReturnRoute : pickEndpoints,
      })
      await markDelivered(dataSource, entry.id, via)
      logger.info({ outboxId: entry.id, messageId: entry.messageId, via }, 'message delivered')
    } catch (error) {
      const code = isParleyError(error) ? error.code : 'ERR_INTERNAL'
      const text = error instanceof Error ? error.message : String(error)
      const delay = backoffMs(
        entry.attempts,
        config.outbox.initialBackoffMs,
        config.outbox.maxBackoffMs,
      )
      await markFailed(dataSource, entry, `${code}: ${text}`, Date.now() + delay)
      logger.warn(
        { outboxId: entry.id, peer: entry.toDid, code, delayMs: delay },
        'delivery failed',
      )
    }
  }

  async function runPass(toDid?: string): Promise<void> {
    const filter = toDid === undefined ? { limit: BATCH } : { toDid, limit: BATCH }
    const due = await dueEntries(dataSource, Date.now(), filter)
    for (const entry of due) await attempt(entry)
  }

  // Passes run one after another; a kick during a pass asks for one more.
  function schedule(toDid?: string): Promise<void> {
    const next = pass.then(() => runPass(toDid))
    pass = next.catch((err: unknown) => logger.error({ err }, 'outbox pass failed'))
    return pass
  }

  function tick(): void {
    if (!running) return
    again = false
    void schedule().then(() => {
      if (!running) return
      timer = setTimeout(tick, again ? 0 : pollMs)
      timer.unref()
    })
  }

  routes?.setFlusher((did) => schedule(did))
  client?.onConnect(() => outbox.kick())

  const outbox: Outbox = {
    async enqueue(manager, outbound) {
      const message: PlaintextMessage =
        addReturnRoute && outbound.message.return_route === undefined
          ? { ...outbound.message, return_route: 'all' }
          : outbound.message
      const form: PackForm = outbound.form ?? 'authcrypt'
      return insertEntry(manager, { message, form }, config.outbox.expireAfterSeconds)
    },

    kick() {
      if (!running) return
      again = true
      if (timer !== undefined) clearTimeout(timer)
      timer = setTimeout(tick, 0)
      timer.unref()
    },

    start() {
      if (running) return
      running = true
      tick()
    },

    async stop() {
      running = false
      if (timer !== undefined) clearTimeout(timer)
      await pass
    },

    deliverTo: (did) => schedule(did),
    deliverDue: () => schedule(),
    list: (filter) => listEntries(dataSource, filter),

    async retry(id) {
      const entry = await requeueEntry(dataSource, id, config.outbox.expireAfterSeconds)
      if (entry === undefined) throw new StorageNotFoundError(`no outbox entry ${id}`)
      outbox.kick()
      return entry
    },
  }
  return outbox
}
