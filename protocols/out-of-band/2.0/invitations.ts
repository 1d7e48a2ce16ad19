/**
 * The invitations this agent created, and the check made when a peer answers one: the answer's
 * `pthid` names the invitation, which must not have expired and, if single-use, not have been
 * used by another peer.
 */
import type { EntityManager } from 'typeorm'

import { StorageConflictError } from '../../../agent/errors.js'
import { InvitationEntity } from '../../../storage/invitation-entity.js'
import { InvitationExpiredError, InvitationUsedError } from '../../engine/errors.js'
import type { InvitationMessage } from './messages.js'

/** An invitation as the admin API shows it. */
export interface InvitationView {
  id: string
  ourDid: string
  goalCode?: string
  multiUse: boolean
  useCount: number
  expiresAt?: string
  createdAt: string
  lastUsedAt?: string
  invitation: InvitationMessage
}

/** Stores a new invitation. */
export async function storeInvitation(
  manager: EntityManager,
  invitation: InvitationMessage,
  options: { multiUse: boolean; expiresAt?: string; createdAt: string },
): Promise<InvitationView> {
  const row = new InvitationEntity()
  row.id = invitation.id
  row.ourDid = invitation.from
  row.goalCode = invitation.body.goal_code ?? null
  row.multiUse = options.multiUse
  row.useCount = 0
  row.expiresAt = options.expiresAt ?? null
  row.message = JSON.stringify(invitation)
  row.createdAt = options.createdAt
  row.lastUsedAt = null
  await manager.insert(InvitationEntity, row)
  return invitationView(row)
}

/** Every stored invitation, newest first. */
export async function listInvitations(manager: EntityManager): Promise<InvitationView[]> {
  const rows = await manager.find(InvitationEntity, { order: { createdAt: 'DESC' } })
  return rows.map(invitationView)
}

/** One stored invitation. */
export async function findInvitation(
  manager: EntityManager,
  id: string,
): Promise<InvitationView | undefined> {
  const row = await manager.findOneBy(InvitationEntity, { id })
  return row === null ? undefined : invitationView(row)
}

/**
 * Counts one use of an invitation by a peer starting a thread with `pthid` = its id. A peer that
 * already used it may start further threads under it without using it up again.
 *
 * @returns the invitation after the use, or undefined when `pthid` names no invitation of ours.
 * @throws InvitationExpiredError (`ERR_OOB_INVITATION_EXPIRED`) past its expiry.
 * @throws InvitationUsedError (`ERR_OOB_INVITATION_USED`) for a used single-use invitation.
 */
export async function useInvitation(
  manager: EntityManager,
  pthid: string,
  usage: { now: string; alreadyUsedByPeer: boolean },
): Promise<InvitationView | undefined> {
  const row = await manager.findOneBy(InvitationEntity, { id: pthid })
  if (row === null) return undefined

  if (row.expiresAt !== null && row.expiresAt <= usage.now) {
    throw new InvitationExpiredError(`invitation ${row.id} expired at ${row.expiresAt}`)
  }
  if (usage.alreadyUsedByPeer) return invitationView(row)
  if (!row.multiUse && row.useCount > 0) {
    throw new InvitationUsedError(`invitation ${row.id} was already used`)
  }

  const result = await manager.update(
    InvitationEntity,
    { id: row.id, useCount: row.useCount },
    { useCount: row.useCount + 1, lastUsedAt: usage.now },
  )
  if (result.affected !== 1) throw new StorageConflictError(`invitation ${row.id} changed`)

  return invitationView({ ...row, useCount: row.useCount + 1, lastUsedAt: usage.now })
}

function invitationView(row: InvitationEntity): InvitationView {
  const view: InvitationView = {
    id: row.id,
    ourDid: row.ourDid,
    multiUse: row.multiUse,
    useCount: row.useCount,
    createdAt: row.createdAt,
    invitation: JSON.parse(row.message) as InvitationMessage,
  }
  if (row.goalCode !== null) view.goalCode = row.goalCode
  if (row.expiresAt !== null) view.expiresAt = row.expiresAt
  if (row.lastUsedAt !== null) view.lastUsedAt = row.lastUsedAt
  return view
}
