/**
 * The outbox table's operations: enqueue inside a caller's transaction, claim due rows, and
 * record each attempt's outcome. A claim is a conditional update, so that two instances sharing
 * one database never deliver the same row at once.
 */
import { randomUUID } from 'node:crypto'

import type { DataSource, EntityManager } from 'typeorm'

import { OutboxEntryEntity, type OutboxStatus } from '../../storage/outbox-entry.js'
import type { OutboundMessage } from './types.js'

/** An outbox row as the CLI and the admin API show it. */
export type OutboxEntry = OutboxEntryEntity

/** Filters for {@link listEntries}. */
export interface OutboxListFilter {
  status?: OutboxStatus
  toDid?: string
  limit?: number
}

/**
 * Inserts a pending row for one message.
 *
 * @throws TypeError when the message has no `from`, or not exactly one `to`.
 */
export async function insertEntry(
  manager: EntityManager,
  outbound: OutboundMessage,
  expireAfterSeconds: number,
  now = Date.now(),
): Promise<string> {
  const { message } = outbound
  if (typeof message.from !== 'string') throw new TypeError('an outbound message needs a from')
  if (message.to?.length !== 1) throw new TypeError('an outbound message needs exactly one to')

  const id = randomUUID()
  await manager.getRepository(OutboxEntryEntity).insert({
    id,
    messageId: message.id,
    fromDid: message.from,
    toDid: message.to[0] as string,
    thid: message.thid ?? null,
    form: outbound.form ?? 'authcrypt',
    message: JSON.stringify(message),
    status: 'pending',
    attempts: 0,
    nextAttemptAt: now,
    claimedBy: null,
    claimedUntil: null,
    lastError: null,
    deliveredVia: null,
    createdAt: now,
    expiresAt: now + expireAfterSeconds * 1000,
    deliveredAt: null,
  })
  return id
}

/** Pending rows due now (or all pending rows to one DID), not claimed by a live claim. */
export async function dueEntries(
  dataSource: DataSource,
  now: number,
  options: { toDid?: string; limit: number },
): Promise<OutboxEntry[]> {
  const query = dataSource
    .getRepository(OutboxEntryEntity)
    .createQueryBuilder('o')
    .where('o.status = :pending', { pending: 'pending' })
    .andWhere('(o.claimedUntil IS NULL OR o.claimedUntil < :now)', { now })
    .orderBy('o.createdAt', 'ASC')
    .limit(options.limit)

  if (options.toDid === undefined) query.andWhere('o.nextAttemptAt <= :now', { now })
  else query.andWhere('o.toDid = :toDid', { toDid: options.toDid })

  return query.getMany()
}

/** Claims one row for `owner` until `until`; false when another owner got there first. */
export async function claimEntry(
  dataSource: DataSource,
  id: string,
  owner: string,
  now: number,
  until: number,
): Promise<boolean> {
  const result = await dataSource
    .createQueryBuilder()
    .update(OutboxEntryEntity)
    .set({ claimedBy: owner, claimedUntil: until })
    .where('id = :id AND status = :pending', { id, pending: 'pending' })
    .andWhere('(claimedUntil IS NULL OR claimedUntil < :now)', { now })
    .execute()
  return result.affected === 1
}

/** Records a delivery. */
export async function markDelivered(
  dataSource: DataSource,
  id: string,
  via: string,
  now = Date.now(),
): Promise<void> {
  await dataSource.getRepository(OutboxEntryEntity).update(
    { id },
    {
      status: 'delivered',
      deliveredVia: via,
      deliveredAt: now,
      claimedBy: null,
      claimedUntil: null,
      lastError: null,
    },
  )
}

/** Records a failed attempt and when to try again. */
export async function markFailed(
  dataSource: DataSource,
  entry: OutboxEntry,
  error: string,
  nextAttemptAt: number,
): Promise<void> {
  await dataSource.getRepository(OutboxEntryEntity).update(
    { id: entry.id },
    {
      attempts: entry.attempts + 1,
      lastError: error,
      nextAttemptAt,
      claimedBy: null,
      claimedUntil: null,
    },
  )
}

/** Gives a row up. */
export async function markExpired(dataSource: DataSource, id: string): Promise<void> {
  await dataSource
    .getRepository(OutboxEntryEntity)
    .update(
      { id },
      { status: 'expired', lastError: 'ERR_OUTBOX_EXPIRED', claimedBy: null, claimedUntil: null },
    )
}

/** Rows newest first. */
export function listEntries(
  dataSource: DataSource,
  filter: OutboxListFilter = {},
): Promise<OutboxEntry[]> {
  const where: Partial<Pick<OutboxEntryEntity, 'status' | 'toDid'>> = {}
  if (filter.status !== undefined) where.status = filter.status
  if (filter.toDid !== undefined) where.toDid = filter.toDid
  return dataSource
    .getRepository(OutboxEntryEntity)
    .find({ where, order: { createdAt: 'DESC' }, take: filter.limit ?? 100 })
}

/**
 * Puts a row back in the queue, due now, with a fresh expiry.
 *
 * @returns the row, or undefined when there is no row with that id.
 */
export async function requeueEntry(
  dataSource: DataSource,
  id: string,
  expireAfterSeconds: number,
  now = Date.now(),
): Promise<OutboxEntry | undefined> {
  const repository = dataSource.getRepository(OutboxEntryEntity)
  const result = await repository.update(
    { id },
    {
      status: 'pending',
      nextAttemptAt: now,
      expiresAt: now + expireAfterSeconds * 1000,
      claimedBy: null,
      claimedUntil: null,
    },
  )
  if (result.affected !== 1) return undefined
  return (await repository.findOneBy({ id })) ?? undefined
}

/** Exponential backoff: `initial * 2^(attempts)`, capped at `max`. */
export function backoffMs(attempts: number, initialMs: number, maxMs: number): number {
  return Math.min(maxMs, initialMs * 2 ** Math.min(attempts, 30))
}
