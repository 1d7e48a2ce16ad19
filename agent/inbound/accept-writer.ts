/**
 * Group commit for accepted messages: the replay rows and inbox rows of every message that
 * arrives while a commit is under way are written together, in the next transaction. A lone
 * message is written at once; under load, one commit (one fsync) covers many messages.
 *
 * Each caller is answered on its own: a message already accepted, or named twice in one batch,
 * is refused with `ERR_GUARD_REPLAY` while the others of its batch are stored. When a batch
 * fails as a whole (another writer won a race on a key, the database is gone), its messages are
 * written again one transaction each, so that every caller gets its own outcome.
 */
import { randomUUID } from 'node:crypto'

import type { DataSource, EntityManager } from 'typeorm'

import { InboxEntryEntity } from '../../storage/inbox-entry.js'
import { ReplayEntryEntity } from '../../storage/replay-entry.js'
import { GuardReplayError } from './errors.js'
import type { ReceivedMessage } from './types.js'

/** One stored, not yet processed message. */
export interface InboxItem {
  inboxId: string
  received: ReceivedMessage
}

/** Stores accepted messages, many to a commit. */
export interface AcceptWriter {
  /**
   * Records (sender, message id) in the replay cache and the message in the inbox, in one
   * transaction, possibly shared with other messages. Resolves once that transaction committed.
   *
   * @param replaySender - the sender the replay cache is keyed by (empty when unknown).
   * @throws GuardReplayError (`ERR_GUARD_REPLAY`) when this sender already delivered this id.
   */
  store(replaySender: string, received: ReceivedMessage): Promise<InboxItem>
}

/** Options for {@link createAcceptWriter}. */
export interface AcceptWriterOptions {
  /** Messages written in one transaction at most. */
  maxBatch?: number
}

/**
 * Creates the group-commit writer of one agent's inbox.
 *
 * @throws TypeError when `maxBatch` is not a positive integer.
 */
export function createAcceptWriter(
  dataSource: DataSource,
  options: AcceptWriterOptions = {},
): AcceptWriter {
  const maxBatch = options.maxBatch ?? DEFAULT_MAX_BATCH
  if (!Number.isInteger(maxBatch) || maxBatch < 1) {
    throw new TypeError('maxBatch must be a positive integer')
  }

  const pending: Pending[] = []
  let draining = false

  async function drain(): Promise<void> {
    draining = true
    try {
      while (pending.length > 0) await writeBatch(dataSource, pending.splice(0, maxBatch))
    } finally {
      draining = false
    }
  }

  return {
    store(replaySender, received) {
      return new Promise<InboxItem>((resolve, reject) => {
        pending.push({ replaySender, received, inboxId: randomUUID(), resolve, reject })
        if (!draining) void drain()
      })
    },
  }
}

/** The default of {@link AcceptWriterOptions.maxBatch}. */
export const DEFAULT_MAX_BATCH = 64

interface Pending {
  replaySender: string
  received: ReceivedMessage
  inboxId: string
  resolve(item: InboxItem): void
  reject(error: unknown): void
}

type Outcome = { stored: true } | { stored: false; error: GuardReplayError }

async function writeBatch(dataSource: DataSource, batch: Pending[]): Promise<void> {
  let outcomes: Outcome[]
  try {
    outcomes = await dataSource.transaction((manager) => insertBatch(manager, batch))
  } catch (cause) {
    if (batch.length > 1) {
      for (const item of batch) await writeBatch(dataSource, [item])
      return
    }
    const [item] = batch as [Pending]
    item.reject(isUniqueViolation(cause) ? replayError(item, cause) : cause)
    return
  }

  batch.forEach((item, index) => {
    const outcome = outcomes[index] as Outcome
    if (outcome.stored) item.resolve({ inboxId: item.inboxId, received: item.received })
    else item.reject(outcome.error)
  })
}

/** One SELECT for the batch's replay keys, then one multi-row INSERT per table. */
async function insertBatch(manager: EntityManager, batch: Pending[]): Promise<Outcome[]> {
  const keys = batch.map((item) => ({
    sender: item.replaySender,
    messageId: item.received.message.id.toLowerCase(),
  }))
  const known = await manager.find(ReplayEntryEntity, {
    select: { sender: true, messageId: true },
    where: keys,
  })

  const taken = new Set(known.map((row) => replayKey(row.sender, row.messageId)))
  const outcomes: Outcome[] = []
  const fresh: Pending[] = []
  batch.forEach((item, index) => {
    const { sender, messageId } = keys[index] as (typeof keys)[number]
    const key = replayKey(sender, messageId)
    if (taken.has(key)) {
      outcomes.push({ stored: false, error: replayError(item) })
      return
    }
    taken.add(key)
    fresh.push(item)
    outcomes.push({ stored: true })
  })
  if (fresh.length === 0) return outcomes

  await manager
    .createQueryBuilder()
    .insert()
    .into(ReplayEntryEntity)
    .values(
      fresh.map((item) => ({
        sender: item.replaySender,
        messageId: item.received.message.id.toLowerCase(),
        receivedAt: item.received.receivedAt,
      })),
    )
    .updateEntity(false)
    .execute()
  await manager
    .createQueryBuilder()
    .insert()
    .into(InboxEntryEntity)
    .values(fresh.map(inboxRow))
    .updateEntity(false)
    .execute()
  return outcomes
}

function inboxRow(item: Pending): Partial<InboxEntryEntity> {
  return {
    id: item.inboxId,
    messageId: item.received.message.id,
    sender: item.replaySender,
    received: JSON.stringify(item.received),
    receivedAt: item.received.receivedAt,
    processedAt: null,
    attempts: 0,
    lastError: null,
  }
}

function replayKey(sender: string, messageId: string): string {
  return `${sender}\n${messageId}`
}

function replayError(item: Pending, cause?: unknown): GuardReplayError {
  const messageId = item.received.message.id.toLowerCase()
  return new GuardReplayError(`message ${messageId} was already accepted from this sender`, {
    cause,
  })
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { driverError?: { code?: unknown } } | null)?.driverError?.code
  return code === 'SQLITE_CONSTRAINT' || code === '23505'
}
