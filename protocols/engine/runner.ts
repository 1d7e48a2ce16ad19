/**
 * Running one transition end to end: decide (pure), store in one transaction (apply), then
 * publish events and let the handler continue the thread. Shared by inbound dispatch, local
 * commands and timeouts.
 */
import type { Logger } from 'pino'
import type { DataSource, EntityManager } from 'typeorm'

import { StorageConflictError } from '../../agent/errors.js'
import type { EventBus } from '../../agent/events/bus.js'
import type { OutboxWriter } from '../../agent/outbox/types.js'
import { applyTransition, type Applied } from './apply.js'
import type { ProtocolRegistry } from './registry.js'
import { transition } from './transition.js'
import {
  START,
  type EngineServices,
  type HandlerContext,
  type ProtocolEvent,
  type ProtocolHandler,
  type ProtocolRecord,
  type TransitionResult,
} from './types.js'

/** What every part of the engine shares. */
export interface EngineCore {
  dataSource: DataSource
  outbox: OutboxWriter
  events: EventBus
  logger: Logger
  registry: ProtocolRegistry
  services: EngineServices
  messageTtlSeconds: number
  threadTimeoutSeconds: number
  now(): number
  newId(): string
}

/** Work done inside the transition's transaction before the record is written. */
export type InsideTransaction = (
  manager: EntityManager,
  result: TransitionResult<string, object>,
) => Promise<void>

type AnyHandler = ProtocolHandler<string, object>
type AnyRecord = ProtocolRecord<string, object>

/** How many times a transition that lost an optimistic-concurrency race is retried. */
const CONFLICT_ATTEMPTS = 3

/** How many automatic continuations (`onState`) one transition may trigger in a row. */
const MAX_CONTINUATIONS = 8

/** A record for a thread not yet stored: state {@link START}, version 0. */
export function newRecord(
  core: EngineCore,
  handler: AnyHandler,
  parties: { ourDid: string; peerDid: string; thid: string; pthid?: string },
): AnyRecord {
  const now = new Date(core.now()).toISOString()
  const record: AnyRecord = {
    id: core.newId(),
    thid: parties.thid,
    protocol: handler.definition.piuri,
    role: '',
    state: START,
    ourDid: parties.ourDid,
    peerDid: parties.peerDid,
    data: handler.definition.initialData(),
    createdAt: now,
    updatedAt: now,
    version: 0,
  }
  if (parties.pthid !== undefined) record.pthid = parties.pthid
  return record
}

/** The context a handler's hooks receive. */
export function handlerContext(
  core: EngineCore,
  record: AnyRecord,
): HandlerContext<string, object> {
  return {
    ourDid: record.ourDid,
    peerDid: record.peerDid,
    record,
    services: core.services,
    logger: core.logger.child({ thid: record.thid, protocol: record.protocol }),
    now: core.now(),
  }
}

/**
 * Decides and stores one transition. Nothing is stored when deciding throws; when storing
 * throws, the transaction rolls back and record, message log and outbox stay as they were.
 *
 * @throws ProtocolProblemError (any subclass) when the event is refused.
 * @throws StorageConflictError (`ERR_STORAGE_CONFLICT`) when the record changed meanwhile.
 */
export async function commitTransition(
  core: EngineCore,
  handler: AnyHandler,
  base: AnyRecord,
  event: ProtocolEvent,
  inside?: InsideTransaction,
): Promise<Applied> {
  const now = core.now()
  const result = transition(handler.definition, base, event, {
    now: new Date(now).toISOString(),
    timeoutAt: new Date(now + core.threadTimeoutSeconds * 1000).toISOString(),
  })

  const applied = await core.dataSource.transaction(async (manager) => {
    await inside?.(manager, result)
    return applyTransition(manager, result, {
      outbox: core.outbox,
      handler,
      services: core.services,
      logger: core.logger,
      now,
      messageTtlSeconds: core.messageTtlSeconds,
      newId: core.newId,
    })
  })

  if (applied.sent.length > 0) core.outbox.kick()
  core.logger.info(
    { thid: base.thid, protocol: base.protocol, from: base.state, to: applied.record.state },
    'thread transition',
  )
  return applied
}

/** Publishes the events of a stored transition. */
export function publish(core: EngineCore, previousState: string, applied: Applied): void {
  const { record } = applied
  core.events.emit('thread.state-changed', { record: record as ProtocolRecord, previousState })

  for (const message of applied.sent) {
    core.events.emit('message.queued', {
      messageId: message.id,
      type: message.type,
      thid: record.thid,
      peerDid: record.peerDid,
    })
  }

  for (const note of applied.notifications) {
    core.events.emit('protocol.notified', {
      name: note.name,
      thid: record.thid,
      protocol: record.protocol,
      payload: note.payload,
    })
  }
}

/**
 * Lets the handler continue a thread on its own (`onState`), each step its own transaction.
 * A failure is logged and leaves the thread where the last stored step put it.
 */
export async function continueThread(
  core: EngineCore,
  handler: AnyHandler,
  record: AnyRecord,
): Promise<AnyRecord> {
  let current = record
  for (let step = 0; step < MAX_CONTINUATIONS && handler.onState !== undefined; step++) {
    try {
      const event = await handler.onState(handlerContext(core, current))
      if (event === undefined) return current

      const applied = await commitTransition(core, handler, current, event)
      publish(core, current.state, applied)
      current = applied.record
    } catch (error) {
      core.logger.warn({ thid: current.thid, err: error }, 'thread did not continue')
      return current
    }
  }
  return current
}

/** Runs `work` again when it loses an optimistic-concurrency race, up to a few times. */
export async function withConflictRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (!(error instanceof StorageConflictError) || attempt >= CONFLICT_ATTEMPTS) throw error
    }
  }
}
