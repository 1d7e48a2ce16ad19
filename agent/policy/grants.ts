/**
 * The policy enforcement point's store: grants won by permit decisions, each for one peer DID
 * and one resource until it expires.
 */
import { randomUUID } from 'node:crypto'

import type { DataSource, EntityManager } from 'typeorm'

import { GrantEntity } from '../../storage/grant-entity.js'
import { PolicyAccessDeniedError } from './errors.js'

/** A peer's access to a resource. */
export interface Grant {
  id: string
  peerDid: string
  resource: string
  decisionId: string
  rule: string
  credentials: string[]
  grantedAt: Date
  expiresAt: Date
}

/** What a new grant holds; {@link GrantStore.create} adds the id. */
export type NewGrant = Omit<Grant, 'id'>

/** Grants in the agent's database. */
export class GrantStore {
  readonly #dataSource: DataSource

  constructor(dataSource: DataSource) {
    this.#dataSource = dataSource
  }

  /** Stores a grant, inside the caller's transaction when one is given. */
  async create(grant: NewGrant, manager?: EntityManager): Promise<Grant> {
    const stored: Grant = { id: randomUUID(), ...grant }
    await (manager ?? this.#dataSource.manager).insert(GrantEntity, toRow(stored))
    return stored
  }

  /**
   * The current grant of a peer for a resource, the one that lasts longest, or `undefined` when
   * it holds none that is unexpired at `now`.
   */
  async checkAccess(
    did: string,
    resource: string,
    now: Date = new Date(),
  ): Promise<Grant | undefined> {
    const row = await this.#dataSource.manager
      .createQueryBuilder(GrantEntity, 'grant')
      .where('grant.peerDid = :did', { did })
      .andWhere('grant.resource = :resource', { resource })
      .andWhere('grant.expiresAt > :now', { now: now.toISOString() })
      .orderBy('grant.expiresAt', 'DESC')
      .getOne()

    return row === null ? undefined : fromRow(row)
  }

  /**
   * The current grant of a peer for a resource.
   *
   * @throws PolicyAccessDeniedError (`ERR_POLICY_ACCESS_DENIED`) when it holds none.
   */
  async requireAccess(did: string, resource: string, now: Date = new Date()): Promise<Grant> {
    const grant = await this.checkAccess(did, resource, now)
    if (grant === undefined) {
      throw new PolicyAccessDeniedError(`${did} holds no current grant for ${resource}`)
    }

    return grant
  }

  /** Every grant of a peer, expired or not, newest first. */
  async list(did: string): Promise<Grant[]> {
    const rows = await this.#dataSource.manager.find(GrantEntity, {
      where: { peerDid: did },
      order: { grantedAt: 'DESC' },
    })
    return rows.map(fromRow)
  }
}

function toRow(grant: Grant): GrantEntity {
  return Object.assign(new GrantEntity(), {
    ...grant,
    credentials: JSON.stringify(grant.credentials),
    grantedAt: grant.grantedAt.toISOString(),
    expiresAt: grant.expiresAt.toISOString(),
  })
}

function fromRow(row: GrantEntity): Grant {
  return {
    id: row.id,
    peerDid: row.peerDid,
    resource: row.resource,
    decisionId: row.decisionId,
    rule: row.rule,
    credentials: JSON.parse(row.credentials) as string[],
    grantedAt: new Date(row.grantedAt),
    expiresAt: new Date(row.expiresAt),
  }
}
