/**
 * One accepted inbound message, stored (with its replay-cache row, in one transaction) before the
 * sender is answered, and marked processed once the protocol engine has acted on it. Rows left
 * unprocessed by a crash are handed to the engine again at start.
 */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

import { epochMs } from './outbox-entry.js'

@Entity('parley_inbox')
export class InboxEntryEntity {
  @PrimaryColumn('varchar', { length: 36 })
  id!: string

  @Column('varchar', { length: 255 })
  messageId!: string

  /** The proven sender, or the `from` header for anoncrypt; empty when neither is known. */
  @Column('varchar', { length: 2048 })
  sender!: string

  /** JSON of the {@link ReceivedMessage} handed to the sink. */
  @Column('text')
  received!: string

  @Column('bigint', { transformer: epochMs })
  receivedAt!: number

  @Index()
  @Column('bigint', { nullable: true, transformer: epochMs })
  processedAt!: number | null

  @Column('integer', { default: 0 })
  attempts!: number

  @Column('text', { nullable: true })
  lastError!: string | null
}
