/** The stored form of a connection: one per pair of our DID and a peer DID. */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** A peer relationship: who, through which DID of ours, how it began, when last seen. */
@Entity('connection')
@Index(['ourDid', 'theirDid'], { unique: true })
export class ConnectionEntity {
  @PrimaryColumn('varchar')
  id!: string

  @Index()
  @Column('varchar')
  theirDid!: string

  @Column('varchar')
  ourDid!: string

  @Column('varchar', { nullable: true })
  label!: string | null

  /**
   * `invitation-sent` (they answered ours), `invitation-accepted` (we answered theirs), `inbound`
   * or `outbound`.
   */
  @Column('varchar')
  origin!: string

  @Column('varchar', { nullable: true })
  invitationId!: string | null

  /** SHA-256 fingerprint of the last client certificate the peer presented. */
  @Column('varchar', { nullable: true })
  certificateFingerprint!: string | null

  @Column('varchar')
  firstSeen!: string

  @Column('varchar')
  lastSeen!: string
}
