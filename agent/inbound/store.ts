/**
 * The inbox after acceptance: rows marked processed (or their failures recorded), rows left
 * unprocessed by a crash read back, and old replay-cache rows dropped. Accepting, which writes
 * the replay row and the inbox row together, is `accept-writer.ts`.
 */
import { IsNull, LessThan, type DataSource, type EntityManager } from 'typeorm'

import { InboxEntryEntity } from '../../storage/inbox-entry.js'
import { ReplayEntryEntity } from '../../storage/replay-entry.js'
import type { InboxItem } from './accept-writer.js'
import type { ReceivedMessage } from './types.js'

/**
 * Marks an inbox row processed unless it already is, through `manager` (a transaction's, or the
 * data source's own). When the row was already marked nothing is written, and SQLite commits the
 * statement without syncing anything to disk.
 */
export async function markProcessed(manager: EntityManager, inboxId: string): Promise<void> {
  await manager
    .createQueryBuilder()
    .update(InboxEntryEntity)
    .set({ processedAt: Date.now() })
    .where({ id: inboxId, processedAt: IsNull() })
    .updateEntity(false)
    .execute()
}

/** Records why the sink failed on an inbox row; the row stays unprocessed, to be resumed. */
export async function markFailed(
  dataSource: DataSource,
  inboxId: string,
  failure: { code: string; message: string },
): Promise<void> {
  const repository = dataSource.getRepository(InboxEntryEntity)
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
