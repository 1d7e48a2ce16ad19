/**
 * Parley's own TypeORM entities and migrations, in the order the migrations must run.
 *
 * Each area of the agent keeps its entity and its migration beside each other under `storage/`
 * and adds them here; a migration's class name carries its timestamp and is never changed once
 * released.
 */

import { CreateAudit1767000000300 } from './audit-migration.js'
import { AuditEntryEntity } from './audit-entry.js'
import { InboxEntryEntity } from './inbox-entry.js'
import { CreateInbox1767000000320 } from './inbox-migration.js'
import { OutboxEntryEntity } from './outbox-entry.js'
import { CreateOutbox1767000000310 } from './outbox-migration.js'
import { ReplayEntryEntity } from './replay-entry.js'
import { CreateReplay1767000000330 } from './replay-migration.js'
import { ConnectionEntity } from './connection-entity.js'
import { CreateConnections1767000000420 } from './connection-migration.js'
import { InvitationEntity } from './invitation-entity.js'
import { CreateInvitations1767000000430 } from './invitation-migration.js'
import { ProtocolRecordEntity } from './record-entity.js'
import { CreateProtocolRecords1767000000400 } from './record-migration.js'
import { ThreadMessageEntity } from './thread-message-entity.js'
import { CreateThreadMessages1767000000410 } from './thread-message-migration.js'
import { DecisionEntity } from './decision-entity.js'
import { CreatePolicyDecisions1767000000500 } from './decision-migration.js'
import { GrantEntity } from './grant-entity.js'
import { CreateAccessGrants1767000000510 } from './grant-migration.js'

/** Entity classes, as TypeORM takes them. */
export const parleyEntities: (new () => object)[] = [
  AuditEntryEntity,
  OutboxEntryEntity,
  InboxEntryEntity,
  ReplayEntryEntity,
  ProtocolRecordEntity,
  ThreadMessageEntity,
  ConnectionEntity,
  InvitationEntity,
  DecisionEntity,
  GrantEntity,
]

/** Migration classes, oldest first. */
export const parleyMigrations: (new () => object)[] = [
  CreateAudit1767000000300,
  CreateOutbox1767000000310,
  CreateInbox1767000000320,
  CreateReplay1767000000330,
  CreateProtocolRecords1767000000400,
  CreateThreadMessages1767000000410,
  CreateConnections1767000000420,
  CreateInvitations1767000000430,
  CreatePolicyDecisions1767000000500,
  CreateAccessGrants1767000000510,
]
