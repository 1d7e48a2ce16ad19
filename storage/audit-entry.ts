/**
 * One entry of the append-only audit log. Entries are never updated or deleted; each carries the
 * hash of the one before it, so that an altered or removed entry breaks the chain.
 */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

import { epochMs } from './outbox-entry.js'

@Entity('parley_audit')
export class AuditEntryEntity {
  /** Position in the chain, from 1, without gaps. */
  @PrimaryColumn('integer')
  seq!: number

  /** Milliseconds since the epoch. */
  @Column('bigint', { transformer: epochMs })
  at!: number

  /** What was decided, dotted: `tls.handshake_refused`, `guard.replay`, `policy.denied` ... */
  @Index()
  @Column('varchar', { length: 64 })
  kind!: string

  /** The entry's fields as canonical JSON (keys sorted). */
  @Column('text')
  data!: string

  /** SHA-256 hex of the previous entry; 64 zeros for the first. */
  @Column('varchar', { length: 64 })
  prevHash!: string

  /** SHA-256 hex over seq, at, kind, data and prevHash. */
  @Column('varchar', { length: 64 })
  hash!: string
}
