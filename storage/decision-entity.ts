/** The stored form of a policy decision: one row per decision, permit or deny. */
import { Column, Entity, Index, PrimaryColumn } from 'typeorm'

/** What the policy decision point decided for one peer and resource, and why. */
@Entity('policy_decision')
export class DecisionEntity {
  @PrimaryColumn('varchar')
  id!: string

  @Index()
  @Column('varchar')
  peerDid!: string

  @Index()
  @Column('varchar')
  resource!: string

  /** `permit` or `deny`. */
  @Column('varchar')
  result!: string

  /** The policy's rule in words: resource, definition and conditions. */
  @Column('text')
  rule!: string

  /** JSON array of the ids of the credentials the decision used. */
  @Column('text')
  credentials!: string

  /** JSON array of each condition's outcome, and the reason of a denial. */
  @Column('text')
  outcomes!: string

  /** The present-proof thread the claims came from, when there was one. */
  @Column('varchar', { nullable: true })
  thid!: string | null

  /** ISO 8601, UTC. */
  @Column('varchar')
  decidedAt!: string
}
