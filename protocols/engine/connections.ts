/**
 * Connections: one per pair of our DID and a peer DID, created when a peer is first met and
 * touched each time a message is exchanged.
 */
import type { EntityManager } from 'typeorm'

import type { ConnectionView } from '../../agent/events/types.js'
import { ConnectionEntity } from '../../storage/connection-entity.js'

/** How a meeting is recorded. */
export interface ConnectionSighting {
  ourDid: string
  theirDid: string
  /** Used only when the connection is new. */
  origin: 'invitation-sent' | 'invitation-accepted' | 'inbound' | 'outbound'
  invitationId?: string
  label?: string
  certificateFingerprint?: string
  /** ISO 8601. */
  now: string
  newId(): string
}

/** Creates the connection or updates its last-seen time (and certificate fingerprint). */
export async function upsertConnection(
  manager: EntityManager,
  sighting: ConnectionSighting,
): Promise<ConnectionView> {
  const existing = await manager.findOneBy(ConnectionEntity, {
    ourDid: sighting.ourDid,
    theirDid: sighting.theirDid,
  })

  if (existing !== null) {
    existing.lastSeen = sighting.now
    if (sighting.certificateFingerprint !== undefined) {
      existing.certificateFingerprint = sighting.certificateFingerprint
    }
    if (existing.invitationId === null && sighting.invitationId !== undefined) {
      existing.invitationId = sighting.invitationId
    }
    await manager.save(ConnectionEntity, existing)
    return connectionView(existing)
  }

  const row = new ConnectionEntity()
  row.id = sighting.newId()
  row.ourDid = sighting.ourDid
  row.theirDid = sighting.theirDid
  row.label = sighting.label ?? null
  row.origin = sighting.origin
  row.invitationId = sighting.invitationId ?? null
  row.certificateFingerprint = sighting.certificateFingerprint ?? null
  row.firstSeen = sighting.now
  row.lastSeen = sighting.now
  await manager.insert(ConnectionEntity, row)
  return connectionView(row)
}

/** Finds the connection between one of our DIDs and a peer. */
export async function findConnection(
  manager: EntityManager,
  ourDid: string,
  theirDid: string,
): Promise<ConnectionView | undefined> {
  const row = await manager.findOneBy(ConnectionEntity, { ourDid, theirDid })
  return row === null ? undefined : connectionView(row)
}

/** Every connection, most recently seen first. */
export async function listConnections(manager: EntityManager): Promise<ConnectionView[]> {
  const rows = await manager.find(ConnectionEntity, { order: { lastSeen: 'DESC' } })
  return rows.map(connectionView)
}

function connectionView(row: ConnectionEntity): ConnectionView {
  const view: ConnectionView = {
    id: row.id,
    theirDid: row.theirDid,
    ourDid: row.ourDid,
    origin: row.origin,
    firstSeen: row.firstSeen,
    lastSeen: row.lastSeen,
  }
  if (row.label !== null) view.label = row.label
  if (row.invitationId !== null) view.invitationId = row.invitationId
  if (row.certificateFingerprint !== null) view.certificateFingerprint = row.certificateFingerprint
  return view
}
