/**
 * The apply step: stores what the pure transition decided. The record (with its version check),
 * the thread message log and the outbox rows are written through the one transaction manager the
 * caller passes, so a crash leaves either all of them or none.
 */
import type { Logger } from 'pino'
import type { EntityManager } from 'typeorm'

import type { PlaintextMessage } from '../../agent/didcomm/types.js'
import type { OutboxWriter } from '../../agent/outbox/types.js'
import { buildProblemReport } from '../report-problem/2.0/messages.js'
import { logMessage, saveRecord } from './record-store.js'
import type {
  EngineServices,
  MessageDraft,
  NotifyEffect,
  ProtocolHandler,
  ProtocolRecord,
  TransitionResult,
} from './types.js'

/** What the apply step needs besides the transaction. */
export interface ApplyOptions {
  outbox: OutboxWriter
  handler: ProtocolHandler<string, object>
  services: EngineServices
  logger: Logger
  /** Milliseconds since the epoch. */
  now: number
  /** `expires_time` of outbound messages, in seconds after `created_time`. */
  messageTtlSeconds: number
  newId(): string
}

/** What was stored. */
export interface Applied {
  record: ProtocolRecord<string, object>
  /** Messages queued in the outbox, in order. */
  sent: PlaintextMessage[]
  /** In-process notifications to publish once the transaction commits. */
  notifications: NotifyEffect[]
}

/**
 * Writes a transition's record, message log and outbox rows inside `manager`'s transaction.
 *
 * @throws StorageConflictError (`ERR_STORAGE_CONFLICT`) when the record changed since it was
 *   read; the caller's transaction must then roll back.
 */
export async function applyTransition(
  manager: EntityManager,
  result: TransitionResult<string, object>,
  options: ApplyOptions,
): Promise<Applied> {
  const { record } = result
  const sent: PlaintextMessage[] = []
  const notifications: NotifyEffect[] = []

  await saveRecord(manager, record)

  for (const effect of result.effects) {
    if (effect.kind === 'send') {
      const message = addressDraft(effect.message, record, options)
      await queue(manager, message, record, options, effect.form)
      sent.push(message)
    } else if (effect.kind === 'problem') {
      const message = buildProblemReport({
        id: options.newId(),
        from: record.ourDid,
        to: record.peerDid,
        pthid: record.thid,
        problem: effect.problem,
        ...expiry(options),
      })
      await queue(manager, message, record, options)
      sent.push(message)
    } else if (effect.kind === 'custom') {
      if (options.handler.applyEffect === undefined) {
        throw new TypeError(`${record.protocol} has no applyEffect for ${effect.name}`)
      }
      await options.handler.applyEffect(
        { manager, record, services: options.services, logger: options.logger },
        effect,
      )
    } else {
      notifications.push(effect)
    }
  }

  return { record, sent, notifications }
}

/**
 * Turns a draft into a full message of the record's thread: `from` our DID, `to` the peer,
 * `thid` (left out when the message starts the thread), `pthid`, and the times.
 */
export function addressDraft(
  draft: MessageDraft,
  record: ProtocolRecord<string, object>,
  options: Pick<ApplyOptions, 'now' | 'messageTtlSeconds' | 'newId'>,
): PlaintextMessage {
  const id = draft.id ?? options.newId()
  const { createdTime, expiresTime } = expiry(options)
  const message: PlaintextMessage = {
    ...draft.headers,
    id,
    type: draft.type,
    from: record.ourDid,
    to: [record.peerDid],
    created_time: createdTime,
    expires_time: expiresTime,
    body: draft.body,
  }

  if (id !== record.thid) message.thid = record.thid
  if (record.pthid !== undefined) message.pthid = record.pthid
  if (draft.attachments !== undefined) message.attachments = draft.attachments
  return message
}

async function queue(
  manager: EntityManager,
  message: PlaintextMessage,
  record: ProtocolRecord<string, object>,
  options: ApplyOptions,
  form?: SendForm,
): Promise<void> {
  await logMessage(manager, {
    id: options.newId(),
    messageId: message.id,
    direction: 'out',
    thid: record.thid,
    recordId: record.id,
    type: message.type,
    peerDid: record.peerDid,
    message,
    createdAt: new Date(options.now).toISOString(),
  })
  await options.outbox.enqueue(manager, form === undefined ? { message } : { message, form })
}

type SendForm = NonNullable<Parameters<OutboxWriter['enqueue']>[1]['form']>

function expiry(options: Pick<ApplyOptions, 'now' | 'messageTtlSeconds'>): {
  createdTime: number
  expiresTime: number
} {
  const createdTime = Math.floor(options.now / 1000)
  return { createdTime, expiresTime: createdTime + options.messageTtlSeconds }
}
