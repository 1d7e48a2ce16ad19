/** The stored form of an out-of-band invitation this agent created. */
import { Column, Entity, PrimaryColumn } from 'typeorm'

/** An invitation: its message, how often it may be used and until when. */
@Entity('invitation')
export class InvitationEntity {
  /** The invitation message id, which answers carry as `pthid`. */
  @PrimaryColumn('varchar')
  id!: string

  @Column('varchar')
  ourDid!: string

  @Column('varchar', { nullable: true })
  goalCode!: string | null

  @Column('boolean')
  multiUse!: boolean

  @Column('integer')
  useCount!: number

  @Column('varchar', { nullable: true })
  expiresAt!: string | null

  /** The invitation message, JSON. */
  @Column('text')
  message!: string

  @Column('varchar')
  createdAt!: string

  @Column('varchar', { nullable: true })
  lastUsedAt!: string | null
}
