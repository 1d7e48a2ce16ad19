/**
 * The stored form of a protocol thread record (see `protocols/engine/types.ts`). Protocol data
 * and the closing problem are JSON text; timestamps are ISO 8601 strings, which sort correctly.
 */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** One protocol thread: its state, its parties and its data. */
@Entity('protocol_record')
@Index(['ourDid', 'thid'], { unique: true })
export class ProtocolRecordEntity {
  @PrimaryColumn('varchar')
  id!: string

  @Index()
  @Column('varchar')
  thid!: string

  @Index()
  @Column('varchar', { nullable: true })
  pthid!: string | null

  @Column('varchar')
  protocol!: string

  @Index()
  @Column('varchar')
  role!: string

  @Index()
  @Column('varchar')
  state!: string

  @Column('varchar')
  ourDid!: string

  @Index()
  @Column('varchar')
  peerDid!: string

  /** Protocol data, JSON. */
  @Column('text')
  data!: string

  /** The problem that ended the thread, JSON. */
  @Column('text', { nullable: true })
  problem!: string | null

  @Column('varchar')
  createdAt!: string

  @Column('varchar')
  updatedAt!: string

  @Index()
  @Column('varchar', { nullable: true })
  timeoutAt!: string | null

  @Column('integer')
  version!: number
}
