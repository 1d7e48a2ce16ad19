/**
 * The replay cache: one row per (sender, message id) accepted, kept for
 * `didcomm.maxMessageAgeSeconds`, after which the codec refuses the message as too old anyway.
 */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

import { epochMs } from './outbox-entry.js'

@Entity('parley_replay')
export class ReplayEntryEntity {
  @PrimaryColumn('varchar', { length: 2048 })
  sender!: string

  /** The message id, lower-cased. */
  @PrimaryColumn('varchar', { length: 255 })
  messageId!: string

  @Index()
  @Column('bigint', { transformer: epochMs })
  receivedAt!: number
}
