/**
 * Checks the audit chain, in the database or in its JSON-lines copy: every entry's hash matches
 * its contents, every `prevHash` matches the entry before, and sequence numbers have no gap.
 */
import { readFileSync } from 'node:fs'

import type { DataSource } from 'typeorm'

import { AuditEntryEntity } from '../../storage/audit-entry.js'
import { GENESIS_HASH, hashEntry, toEntry, type AuditEntry } from './log.js'

/** The outcome of a chain check. */
export interface AuditVerification {
  ok: boolean
  /** Entries checked. */
  count: number
  /** The first entry found broken, and why. */
  broken?: { seq: number; reason: 'hash' | 'link' | 'gap' | 'unreadable' }
}

/** Checks the chain stored in the database. */
export async function verifyAuditChain(dataSource: DataSource): Promise<AuditVerification> {
  const rows = await dataSource.getRepository(AuditEntryEntity).find({ order: { seq: 'ASC' } })

  const entries: AuditEntry[] = []
  for (const row of rows) {
    try {
      entries.push(toEntry(row))
    } catch {
      return { ok: false, count: entries.length, broken: { seq: row.seq, reason: 'unreadable' } }
    }
  }

  return verifyEntries(entries)
}

/** Checks the chain in a JSON-lines file written by the audit log. */
export function verifyAuditFile(path: string): AuditVerification {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line !== '')

  const entries: AuditEntry[] = []
  for (const line of lines) {
    try {
      entries.push(JSON.parse(line) as AuditEntry)
    } catch {
      const seq = (entries.at(-1)?.seq ?? 0) + 1
      return { ok: false, count: entries.length, broken: { seq, reason: 'unreadable' } }
    }
  }

  return verifyEntries(entries)
}

/** Checks a list of entries in chain order. */
export function verifyEntries(entries: AuditEntry[]): AuditVerification {
  let prevHash = GENESIS_HASH
  let expectedSeq = 1

  for (const [index, entry] of entries.entries()) {
    if (entry.seq !== expectedSeq) {
      return { ok: false, count: index, broken: { seq: expectedSeq, reason: 'gap' } }
    }

    if (entry.prevHash !== prevHash) {
      return { ok: false, count: index, broken: { seq: entry.seq, reason: 'link' } }
    }

    const { hash, ...unsigned } = entry
    if (hashEntry(unsigned) !== hash) {
      return { ok: false, count: index, broken: { seq: entry.seq, reason: 'hash' } }
    }

    prevHash = hash
    expectedSeq++
  }

  return { ok: true, count: entries.length }
}
