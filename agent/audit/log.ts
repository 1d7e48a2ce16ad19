/**
 * The audit log: an append-only record of every refusal and every security decision, kept in the
 * database and copied as JSON lines to a file. Each entry carries the SHA-256 hash of the one
 * before it, so that an entry altered or deleted afterwards is detected by
 * {@link verifyAuditChain}.
 *
 * The chain proves integrity against a reader of the log, not against someone who can rewrite the
 * whole table and file at once: copy the JSON lines elsewhere (a log shipper) for that.
 */
import { createHash } from 'node:crypto'
import { appendFileSync, mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

import type { DataSource, EntityManager } from 'typeorm'

import { AuditEntryEntity } from '../../storage/audit-entry.js'
import type { Logger } from '../logger.js'
import { AuditWriteFailedError } from './errors.js'

/** The fields of one decision; `kind` is dotted (`tls.handshake_refused`, `guard.replay` ...). */
export interface AuditRecord {
  kind: string
  [field: string]: unknown
}

/** One stored entry of the chain. */
export interface AuditEntry {
  seq: number
  /** Milliseconds since the epoch. */
  at: number
  kind: string
  data: Record<string, unknown>
  prevHash: string
  hash: string
}

/** Writes and reads the audit log of one agent. */
export interface AuditLog {
  /**
   * Appends an entry and resolves once it is stored.
   *
   * @throws AuditWriteFailedError (`ERR_AUDIT_WRITE_FAILED`) when it could not be written; the
   *   caller refuses whatever it was about to allow.
   * @param manager - the caller's open transaction, to write the entry inside it (the entry then
   *   commits or rolls back with the decision). Without it the entry gets its own transaction;
   *   never call it without one from inside a transaction, which would wait for itself.
   */
  record(record: AuditRecord, manager?: EntityManager): Promise<AuditEntry>
  /** Entries in chain order, optionally only those of one kind or after a sequence number. */
  list(options?: { kind?: string; afterSeq?: number; limit?: number }): Promise<AuditEntry[]>
}

/** Options for {@link createAuditLog}. */
export interface CreateAuditLogOptions {
  dataSource: DataSource
  /** Absolute path of the JSON-lines copy; absent: database only. */
  file?: string
  logger?: Logger
}

/** The `prevHash` of the first entry. */
export const GENESIS_HASH = '0'.repeat(64)

const WRITE_ATTEMPTS = 5

/** Opens the audit log over an initialised data source. */
export function createAuditLog(options: CreateAuditLogOptions): AuditLog {
  const { dataSource, file, logger } = options
  if (file !== undefined) mkdirSync(dirname(file), { recursive: true })

  // One writer at a time inside this process; the primary key on `seq` orders writers of
  // several processes, and a loser retries on top of the new head.
  let queue: Promise<unknown> = Promise.resolve()

  async function append(record: AuditRecord, outer?: EntityManager): Promise<AuditEntry> {
    let lastError: unknown
    for (let attempt = 0; attempt < WRITE_ATTEMPTS; attempt++) {
      try {
        const entry =
          outer === undefined
            ? await dataSource.transaction((manager) => insertNext(manager, record))
            : await insertNext(outer, record)
        if (file !== undefined) appendFileSync(file, JSON.stringify(entry) + '\n', { mode: 0o600 })
        return entry
      } catch (cause) {
        lastError = cause
      }
    }
    logger?.error({ err: lastError, kind: record.kind }, 'audit entry could not be written')
    throw new AuditWriteFailedError(`audit entry ${record.kind} could not be written`, {
      cause: lastError,
    })
  }

  return {
    record(record, manager) {
      if (typeof record.kind !== 'string' || record.kind === '') {
        throw new TypeError('an audit record needs a kind')
      }
      if (manager !== undefined) return append(record, manager)
      const next = queue.then(() => append(record))
      queue = next.catch(() => undefined)
      return next
    },

    async list(filter = {}) {
      const query = dataSource
        .getRepository(AuditEntryEntity)
        .createQueryBuilder('a')
        .orderBy('a.seq', 'ASC')
      if (filter.kind !== undefined) query.andWhere('a.kind = :kind', { kind: filter.kind })
      if (filter.afterSeq !== undefined) query.andWhere('a.seq > :seq', { seq: filter.afterSeq })
      if (filter.limit !== undefined) query.limit(filter.limit)
      const rows = await query.getMany()
      return rows.map(toEntry)
    },
  }
}

/**
 * The hash of an entry: SHA-256 hex over its sequence number, time, kind, canonical data and the
 * previous hash, joined by newlines.
 */
export function hashEntry(entry: Omit<AuditEntry, 'hash'>): string {
  const text = [entry.seq, entry.at, entry.kind, canonicalJson(entry.data), entry.prevHash]
  return createHash('sha256').update(text.join('\n')).digest('hex')
}

/** JSON with object keys sorted at every level, so that a hash does not depend on key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value))
}

/** Converts a stored row to an entry. */
export function toEntry(row: AuditEntryEntity): AuditEntry {
  return {
    seq: row.seq,
    at: row.at,
    kind: row.kind,
    data: JSON.parse(row.data) as Record<string, unknown>,
    prevHash: row.prevHash,
    hash: row.hash,
  }
}

async function insertNext(manager: EntityManager, record: AuditRecord): Promise<AuditEntry> {
  const repository = manager.getRepository(AuditEntryEntity)
  const [head] = await repository.find({ order: { seq: 'DESC' }, take: 1 })
  const { kind, ...fields } = record
  const data = JSON.parse(canonicalJson(fields)) as Record<string, unknown>

  const unsigned = {
    seq: (head?.seq ?? 0) + 1,
    at: Date.now(),
    kind,
    data,
    prevHash: head?.hash ?? GENESIS_HASH,
  }
  const entry: AuditEntry = { ...unsigned, hash: hashEntry(unsigned) }

  await repository.insert({ ...entry, data: canonicalJson(entry.data) })
  return entry
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys)
  if (value === null || typeof value !== 'object') return value
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]))
}
