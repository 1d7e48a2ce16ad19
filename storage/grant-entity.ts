/** The stored form of an access grant: one per permit decision, valid until it expires. */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** A peer's access to one resource, won by presenting verified claims. */
@Entity('access_grant')
@Index(['peerDid', 'resource', 'expiresAt'])
export class GrantEntity {
  @PrimaryColumn('varchar')
  id!: string

  @Column('varchar')
  peerDid!: string

  @Column('varchar')
  resource!: string

  /** The permit decision that created the grant. */
  @Column('varchar')
  decisionId!: string

  /** The policy's rule in words, as the decision recorded it. */
  @Column('text')
  rule!: string

  /** JSON array of the ids of the credentials presented. */
  @Column('text')
  credentials!: string

  /** ISO 8601, UTC. */
  @Column('varchar')
  grantedAt!: string

  /** ISO 8601, UTC; compared as text, which orders correctly for this fixed format. */
  @Column('varchar')
  expiresAt!: string
}
