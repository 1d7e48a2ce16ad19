/**
 * The log of messages exchanged in each protocol thread, kept apart from the thread record.
 * `(direction, peerDid, messageKey)` is unique: the same inbound message can never be applied
 * twice, even by two writers racing.
 */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** One message received or queued for sending in a thread. */
@Entity('thread_message')
@Index(['direction', 'peerDid', 'messageKey'], { unique: true })
export class ThreadMessageEntity {
  @PrimaryColumn('varchar')
  id!: string

  /** The DIDComm message id, as sent. */
  @Column('varchar')
  messageId!: string

  /** The message id lower-cased: ids are compared case-insensitively. */
  @Column('varchar')
  messageKey!: string

  /** `in` or `out`. */
  @Column('varchar')
  direction!: string

  @Index()
  @Column('varchar')
  thid!: string

  /** The protocol record the message belongs to, absent for refused messages. */
  @Index()
  @Column('varchar', { nullable: true })
  recordId!: string | null

  @Column('varchar')
  type!: string

  @Column('varchar')
  peerDid!: string

  /** The plaintext message, JSON. */
  @Column('text')
  message!: string

  @Column('varchar')
  createdAt!: string
}
