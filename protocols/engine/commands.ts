/**
 * Local commands: starting and moving threads from this side, out-of-band invitations, and the
 * shortcuts for trust ping and discover features.
 */
import type { Attachment } from '../../agent/didcomm/types.js'
import type { AgentConfig } from '../../agent/config/schema.js'
import type { ConnectionView } from '../../agent/events/types.js'
import { DISCOVER_FEATURES } from '../discover-features/2.0/protocol.js'
import type { FeatureQuery } from '../discover-features/2.0/features.js'
import {
  listInvitations,
  storeInvitation,
  type InvitationView,
} from '../out-of-band/2.0/invitations.js'
import {
  buildInvitation,
  invitationUrl,
  parseInvitation,
  type InvitationMessage,
} from '../out-of-band/2.0/messages.js'
import { TRUST_PING } from '../trust-ping/2.0/protocol.js'
import type { GoalStarter } from './builtins.js'
import { upsertConnection } from './connections.js'
import {
  InvitationExpiredError,
  InvitationInvalidError,
  ProtocolUnsupportedError,
  ThreadNotFoundError,
} from './errors.js'
import { findRecordByThid } from './record-store.js'
import {
  commitTransition,
  continueThread,
  newRecord,
  publish,
  withConflictRetry,
  type EngineCore,
} from './runner.js'
import type { ProtocolEvent, ProtocolRecord } from './types.js'

/** What {@link EngineCommands.startThread} needs to open a thread from this side. */
export interface StartThreadInput {
  /** Protocol identifier URI of a registered protocol. */
  protocol: string
  peerDid: string
  /** Defaults to our first DID. */
  ourDid?: string
  /** The command, a rule in the table's `start` row. */
  event: ProtocolEvent
  pthid?: string
  /** How the connection is recorded if the peer is new. Defaults to `outbound`. */
  origin?: 'outbound' | 'invitation-accepted'
  invitationId?: string
}

/** Options of an invitation. */
export interface CreateInvitationInput {
  goalCode?: string
  goal?: string
  /** Any number of peers may answer it. Defaults to single-use. */
  multiUse?: boolean
  /** Seconds until it expires; absent: it never expires. */
  expiresInSeconds?: number
  attachments?: Attachment[]
  /** Base of the `_oob=` URL; defaults to the first transport endpoint. */
  baseUrl?: string
  ourDid?: string
}

/** A created invitation. */
export interface CreatedInvitation {
  id: string
  url: string
  invitation: InvitationMessage
  multiUse: boolean
  expiresAt?: string
}

/** An accepted invitation and the thread that answers it. */
export interface AcceptedInvitation {
  invitation: InvitationMessage
  record: ProtocolRecord
}

/** The commands of the engine. */
export interface EngineCommands {
  /** Opens a thread with a local command; returns its record as stored. */
  startThread(input: StartThreadInput): Promise<ProtocolRecord>
  /** Applies a local command to an existing thread. */
  act(thid: string, event: ProtocolEvent): Promise<ProtocolRecord>
  createInvitation(input?: CreateInvitationInput): Promise<CreatedInvitation>
  /** Accepts an invitation URL (`_oob=` or `oob=`) or its JSON; answers with `pthid` = its id. */
  acceptInvitation(urlOrJson: string, options?: { ourDid?: string }): Promise<AcceptedInvitation>
  invitations(): Promise<InvitationView[]>
  /** Sends a trust ping; returns the thread (wait for it with `waitForFinal`). */
  ping(peerDid: string, options?: { responseRequested?: boolean }): Promise<ProtocolRecord>
  /** Queries a peer's features (`*` over protocols by default). */
  discoverFeatures(peerDid: string, queries?: FeatureQuery[]): Promise<ProtocolRecord>
}

/** Where invitations point when no transport endpoint is configured. */
export const DEFAULT_INVITATION_BASE = 'https://localhost/didcomm'

/** Creates the command half of the engine. */
export function createCommands(
  core: EngineCore,
  deps: {
    config: AgentConfig
    goals: ReadonlyMap<string, GoalStarter>
    ourDids(): Promise<string[]>
    reachable?: (did: string) => Promise<void>
  },
): EngineCommands {
  const defaultDid = async (): Promise<string> => (await deps.ourDids())[0] as string
  const iso = (ms: number): string => new Date(ms).toISOString()

  const commands: EngineCommands = {
    async startThread(input) {
      const handler = core.registry.get(input.protocol)
      if (handler === undefined) {
        throw new ProtocolUnsupportedError(`no handler for ${input.protocol}`)
      }

      const ourDid = input.ourDid ?? (await defaultDid())
      const base = newRecord(core, handler, {
        ourDid,
        peerDid: input.peerDid,
        thid: core.newId(),
        ...(input.pthid === undefined ? {} : { pthid: input.pthid }),
      })
      let connection: ConnectionView | undefined
      const applied = await commitTransition(core, handler, base, input.event, async (tx) => {
        connection = await upsertConnection(tx, {
          ourDid,
          theirDid: input.peerDid,
          origin: input.origin ?? 'outbound',
          ...(input.invitationId === undefined ? {} : { invitationId: input.invitationId }),
          now: iso(core.now()),
          newId: core.newId,
        })
      })

      if (connection !== undefined) core.events.emit('connection.changed', { connection })
      publish(core, base.state, applied)
      return (await continueThread(core, handler, applied.record)) as ProtocolRecord
    },

    async act(thid, event) {
      return withConflictRetry(async () => {
        const record = await findRecordByThid(core.dataSource.manager, thid)
        if (record === undefined) throw new ThreadNotFoundError(`no thread ${thid}`)

        const handler = core.registry.get(record.protocol)
        if (handler === undefined)
          throw new ProtocolUnsupportedError(`no handler for ${record.protocol}`)

        const applied = await commitTransition(core, handler, record, event)
        publish(core, record.state, applied)
        return (await continueThread(core, handler, applied.record)) as ProtocolRecord
      })
    },

    async createInvitation(input = {}) {
      const now = core.now()
      const createdTime = Math.floor(now / 1000)
      const expiresTime =
        input.expiresInSeconds === undefined ? undefined : createdTime + input.expiresInSeconds
      const invitation = buildInvitation({
        id: core.newId(),
        from: input.ourDid ?? (await defaultDid()),
        ...(input.goalCode === undefined ? {} : { goalCode: input.goalCode }),
        ...(input.goal === undefined ? {} : { goal: input.goal }),
        ...(input.attachments === undefined ? {} : { attachments: input.attachments }),
        createdTime,
        ...(expiresTime === undefined ? {} : { expiresTime }),
      })
      const multiUse = input.multiUse ?? false
      const expiresAt = expiresTime === undefined ? undefined : iso(expiresTime * 1000)

      await core.dataSource.transaction((tx) =>
        storeInvitation(tx, invitation, {
          multiUse,
          createdAt: iso(now),
          ...(expiresAt === undefined ? {} : { expiresAt }),
        }),
      )

      const base = input.baseUrl ?? deps.config.transport.endpoints[0] ?? DEFAULT_INVITATION_BASE
      const url = invitationUrl(base, invitation)
      const created: CreatedInvitation = { id: invitation.id, url, invitation, multiUse }
      if (expiresAt !== undefined) created.expiresAt = expiresAt
      core.events.emit('invitation.created', {
        id: invitation.id,
        url,
        multiUse,
        ...(expiresAt ? { expiresAt } : {}),
      })
      core.logger.info({ invitationId: invitation.id, multiUse }, 'invitation created')
      return created
    },

    async acceptInvitation(urlOrJson, options = {}) {
      const invitation = parseInvitation(urlOrJson)
      const ours = await deps.ourDids()
      if (ours.includes(invitation.from)) {
        throw new InvitationInvalidError('the invitation is from this agent')
      }
      if (invitation.expires_time !== undefined && invitation.expires_time * 1000 <= core.now()) {
        throw new InvitationExpiredError(`invitation ${invitation.id} has expired`)
      }
      await deps.reachable?.(invitation.from).catch((cause: unknown) => {
        const reason = cause instanceof Error ? cause.message : String(cause)
        throw new InvitationInvalidError(`the inviter cannot be reached: ${reason}`, { cause })
      })

      const goalCode = invitation.body.goal_code
      const starter = goalCode === undefined ? undefined : deps.goals.get(goalCode)
      const first = starter
        ? await starter(invitation)
        : {
            protocol: TRUST_PING,
            event: { type: 'send-ping', params: { responseRequested: true } },
          }

      const record = await commands.startThread({
        protocol: first.protocol,
        event: first.event,
        peerDid: invitation.from,
        pthid: invitation.id,
        origin: 'invitation-accepted',
        invitationId: invitation.id,
        ...(options.ourDid === undefined ? {} : { ourDid: options.ourDid }),
      })
      core.logger.info({ invitationId: invitation.id, thid: record.thid }, 'invitation accepted')
      return { invitation, record }
    },

    invitations: () => listInvitations(core.dataSource.manager),

    ping: (peerDid, options = {}) =>
      commands.startThread({
        protocol: TRUST_PING,
        peerDid,
        event: {
          type: 'send-ping',
          params: { responseRequested: options.responseRequested ?? true },
        },
      }),

    discoverFeatures: (peerDid, queries) =>
      commands.startThread({
        protocol: DISCOVER_FEATURES,
        peerDid,
        event: { type: 'send-queries', ...(queries === undefined ? {} : { params: { queries } }) },
      }),
  }

  return commands
}
