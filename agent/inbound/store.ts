/**
 * The durable side of the inbound path: the replay cache and the inbox, written together in one
 * transaction so that a message is either accepted exactly once or not at all.
 */
import { randomUUID } from 'node:crypto'

import { IsNull, LessThan, type DataSource } from 'typeorm'

import { InboxEntryEntity } from '../../storage/inbox-entry.js'
import { ReplayEntryEntity } from '../../storage/replay-entry.js'
import { GuardReplayError } from './errors.js'
import type { ReceivedMessage } from './types.js'

/** One stored, not yet processed message. */
export interface InboxItem {
  inboxId: string
  received: ReceivedMessage
}

/**
 * Records (sender, message id) in the replay cache and the message in the inbox.
 *
 * @param replaySender - the sender the replay cache is keyed by (empty when unknown).
 * @throws GuardReplayError (`ERR_GUARD_REPLAY`) when this sender already delivered this id.
 */
export async function storeAccepted(
  dataSource: DataSource,
  replaySender: string,
  received: ReceivedMessage,
): Promise<InboxItem> {
  const messageId = received.message.id.toLowerCase()
  const inboxId = randomUUID()

  try {
    await dataSource.transaction(async (manager) => {
      const replay = manager.getRepository(ReplayEntryEntity)
      if (await replay.existsBy({ sender: replaySender, messageId })) throw replayError(messageId)

      await replay.insert({ sender: replaySender, messageId, receivedAt: received.receivedAt })
      await manager.getRepository(InboxEntryEntity).insert({
        id: inboxId,
        messageId: received.message.id,
        sender: replaySender,
        received: JSON.stringify(received),
        receivedAt: received.receivedAt,
        processedAt: null,
        attempts: 0,
        lastError: null,
      })
    })
  } catch (cause) {
    if (cause instanceof GuardReplayError) throw cause
    // Two copies racing each other: the primary key lets one in and refuses the other.
    if (isUniqueViolation(cause)) throw replayError(messageId, cause)
    throw cause
  }

  return { inboxId, received }
}

/** Marks an inbox row processed, or records why the sink failed on it. */
export async function markProcessed(
  dataSource: DataSource,
  inboxId: string,
  failure?: { code: string; message: string },
): Promise<void> {
  const repository = dataSource.getRepository(InboxEntryEntity)
  if (failure === undefined) {
    await repository.update({ id: inboxId }, { processedAt: Date.now() })
    return
  }
  await repository.increment({ id: inboxId }, 'attempts', 1)
  await repository.update({ id: inboxId }, { lastError: `${failure.code}: ${failure.message}` })
}

/** Inbox rows not yet processed, oldest first. */
export async function unprocessed(dataSource: DataSource): Promise<InboxItem[]> {
  const rows = await dataSource
    .getRepository(InboxEntryEntity)
    .find({ where: { processedAt: IsNull() }, order: { receivedAt: 'ASC' } })
  return rows.map((row) => ({
    inboxId: row.id,
    received: JSON.parse(row.received) as ReceivedMessage,
  }))
}

/** Deletes replay-cache rows received before `before` (ms); returns how many. */
export async function pruneReplay(dataSource: DataSource, before: number): Promise<number> {
  const result = await dataSource
    .getRepository(ReplayEntryEntity)
    .delete({ receivedAt: LessThan(before) })
  return result.affected ?? 0
}

function replayError(messageId: string, cause?: unknown): GuardReplayError {
  return new GuardReplayError(`message ${messageId} was already accepted from this sender`, {
    cause,
  })
}

function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown; driverError?: { code?: unknown } } | null)?.driverError
    ?.code
  return code === 'SQLITE_CONSTRAINT' || code === '23505'
}
