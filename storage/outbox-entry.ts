/**
 * One outbound message in the outbox, from the moment the engine queues it (inside its own
 * transaction) until it is delivered or expires. Delivery claims a row by writing `claimedBy`
 * and `claimedUntil`, so several agent instances can share one database.
 */
import { Column, Entity, Index, PrimaryColumn, type ValueTransformer } from 'typeorm'

/** Keeps millisecond timestamps as numbers, whatever the driver returns for `bigint`. */
export const epochMs: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | number | null) => (value === null ? null : Number(value)),
}

/** Where an outbox entry stands. */
export type OutboxStatus = 'pending' | 'delivered' | 'expired'

@Entity('parley_outbox')
@Index('IDX_parley_outbox_due', ['status', 'nextAttemptAt'])
export class OutboxEntryEntity {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string

  /** The DIDComm message id. */
  @Column('varchar', { length: 255 })
  messageId!: string

  @Column('varchar', { length: 2048 })
  fromDid!: string

  @Index()
  @Column('varchar', { length: 2048 })
  toDid!: string

  @Column('varchar', { length: 255, nullable: true })
  thid!: string | null

  @Column('varchar', { length: 32 })
  form!: string

  /** The plaintext message as JSON; packed afresh at each attempt. */
  @Column('text')
  message!: string

  @Column('varchar', { length: 16 })
  status!: OutboxStatus

  @Column('integer', { default: 0 })
  attempts!: number

  @Column('bigint', { transformer: epochMs })
  nextAttemptAt!: number

  @Column('varchar', { length: 64, nullable: true })
  claimedBy!: string | null

  @Column('bigint', { nullable: true, transformer: epochMs })
  claimedUntil!: number | null

  /** Code and message of the last failed attempt. */
  @Column('text', { nullable: true })
  lastError!: string | null

  /** The endpoint (or `return-route`) it was delivered over. */
  @Column('varchar', { length: 2048, nullable: true })
  deliveredVia!: string | null

  @Column('bigint', { transformer: epochMs })
  createdAt!: number

  @Column('bigint', { transformer: epochMs })
  expiresAt!: number

  @Column('bigint', { nullable: true, transformer: epochMs })
  deliveredAt!: number | null
}
