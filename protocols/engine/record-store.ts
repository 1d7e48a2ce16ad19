/**
 * Reading and writing thread records and the thread message log through a TypeORM manager.
 * Writes take the caller's transaction manager; an update checks the record's version.
 */
import type { EntityManager } from 'typeorm'

import { StorageConflictError } from '../../agent/errors.js'
import type { PlaintextMessage } from '../../agent/didcomm/types.js'
import { ProtocolRecordEntity } from '../../storage/record-entity.js'
import { ThreadMessageEntity } from '../../storage/thread-message-entity.js'
import type { ProtocolRecord } from './types.js'

/** A logged message of a thread. */
export interface ThreadMessage {
  id: string
  messageId: string
  direction: 'in' | 'out'
  thid: string
  recordId?: string
  type: string
  peerDid: string
  message: PlaintextMessage
  createdAt: string
}

/** Converts a stored row to a record. */
export function recordFromEntity(row: ProtocolRecordEntity): ProtocolRecord {
  const record: ProtocolRecord = {
    id: row.id,
    thid: row.thid,
    protocol: row.protocol,
    role: row.role,
    state: row.state,
    ourDid: row.ourDid,
    peerDid: row.peerDid,
    data: JSON.parse(row.data) as ProtocolRecord['data'],
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    version: row.version,
  }

  if (row.pthid !== null) record.pthid = row.pthid
  if (row.problem !== null) record.problem = JSON.parse(row.problem) as ProtocolRecord['problem']
  if (row.timeoutAt !== null) record.timeoutAt = row.timeoutAt
  return record
}

/** Converts a record to its stored row. */
export function recordToEntity(record: ProtocolRecord<string, object>): ProtocolRecordEntity {
  const row = new ProtocolRecordEntity()
  row.id = record.id
  row.thid = record.thid
  row.pthid = record.pthid ?? null
  row.protocol = record.protocol
  row.role = record.role
  row.state = record.state
  row.ourDid = record.ourDid
  row.peerDid = record.peerDid
  row.data = JSON.stringify(record.data)
  row.problem = record.problem === undefined ? null : JSON.stringify(record.problem)
  row.createdAt = record.createdAt
  row.updatedAt = record.updatedAt
  row.timeoutAt = record.timeoutAt ?? null
  row.version = record.version
  return row
}

/** Finds the record of a thread as seen from one of our DIDs. */
export async function findRecord(
  manager: EntityManager,
  ourDid: string,
  thid: string,
): Promise<ProtocolRecord | undefined> {
  const row = await manager.findOneBy(ProtocolRecordEntity, { ourDid, thid })
  return row === null ? undefined : recordFromEntity(row)
}

/** Finds a record by its thread id alone, whichever of our DIDs it belongs to. */
export async function findRecordByThid(
  manager: EntityManager,
  thid: string,
): Promise<ProtocolRecord | undefined> {
  const row = await manager.findOneBy(ProtocolRecordEntity, { thid })
  return row === null ? undefined : recordFromEntity(row)
}

/**
 * Stores a record after a transition: inserts it when new (version 1), otherwise updates it
 * only if the stored version is the one the transition started from.
 *
 * @throws StorageConflictError (`ERR_STORAGE_CONFLICT`) when another writer got there first.
 */
export async function saveRecord(
  manager: EntityManager,
  record: ProtocolRecord<string, object>,
): Promise<void> {
  const row = recordToEntity(record)
  if (record.version === 1) {
    await manager.insert(ProtocolRecordEntity, row)
    return
  }

  const { id: _id, ...changes } = row
  const result = await manager.update(
    ProtocolRecordEntity,
    { id: record.id, version: record.version - 1 },
    changes,
  )
  if (result.affected !== 1) {
    throw new StorageConflictError(`thread ${record.thid} changed since it was read`)
  }
}

/** Appends a message to a thread's log; a second inbound copy violates the unique index. */
export async function logMessage(manager: EntityManager, entry: ThreadMessage): Promise<void> {
  const row = new ThreadMessageEntity()
  row.id = entry.id
  row.messageId = entry.messageId
  row.messageKey = entry.messageId.toLowerCase()
  row.direction = entry.direction
  row.thid = entry.thid
  row.recordId = entry.recordId ?? null
  row.type = entry.type
  row.peerDid = entry.peerDid
  row.message = JSON.stringify(entry.message)
  row.createdAt = entry.createdAt
  await manager.insert(ThreadMessageEntity, row)
}

/** Whether an inbound message with this sender and id (any case) was already logged. */
export async function isLogged(
  manager: EntityManager,
  peerDid: string,
  messageId: string,
): Promise<boolean> {
  const count = await manager.countBy(ThreadMessageEntity, {
    direction: 'in',
    peerDid,
    messageKey: messageId.toLowerCase(),
  })
  return count > 0
}

/** The logged messages of a thread, oldest first. */
export async function threadMessages(
  manager: EntityManager,
  thid: string,
): Promise<ThreadMessage[]> {
  const rows = await manager.find(ThreadMessageEntity, {
    where: { thid },
    order: { createdAt: 'ASC', direction: 'ASC' },
  })

  return rows.map((row) => {
    const entry: ThreadMessage = {
      id: row.id,
      messageId: row.messageId,
      direction: row.direction === 'in' ? 'in' : 'out',
      thid: row.thid,
      type: row.type,
      peerDid: row.peerDid,
      message: JSON.parse(row.message) as PlaintextMessage,
      createdAt: row.createdAt,
    }
    if (row.recordId !== null) entry.recordId = row.recordId
    return entry
  })
}
