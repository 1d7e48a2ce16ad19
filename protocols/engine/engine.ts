/**
 * The protocol engine of one agent: it takes accepted inbound messages (it is the transports'
 * {@link MessageSink}), runs local commands, abandons threads that time out, and offers the
 * programmatic API that the admin API and embedding programs use.
 */
import { randomUUID } from 'node:crypto'

import type { Logger } from 'pino'
import { LessThanOrEqual, type DataSource } from 'typeorm'

import type { AgentConfig } from '../../agent/config/schema.js'
import { IdentityMissingError } from '../../agent/errors.js'
import type { EventBus } from '../../agent/events/bus.js'
import type { ConnectionView } from '../../agent/events/types.js'
import type { InboxSettle, MessageSink, ReceivedMessage } from '../../agent/inbound/types.js'
import type { OutboxWriter } from '../../agent/outbox/types.js'
import { ProtocolRecordEntity } from '../../storage/record-entity.js'
import { listConnections } from './connections.js'
import { dispatch } from './dispatcher.js'
import { createBuiltinHandlers, featuresOf, type GoalStarter } from './builtins.js'
import { createCommands, type EngineCommands } from './commands.js'
import {
  findRecordByThid,
  recordFromEntity,
  threadMessages,
  type ThreadMessage,
} from './record-store.js'
import { ProtocolRegistry } from './registry.js'
import { resumeThreads, type ResumeOptions, type ResumeResult } from './resume.js'
import { commitTransition, publish, withConflictRetry, type EngineCore } from './runner.js'
import { isFinal } from './transition.js'
import {
  TIMEOUT_EVENT,
  type EngineServices,
  type ProtocolHandler,
  type ProtocolRecord,
} from './types.js'

/** What {@link createEngine} needs; the assembly in `agent/agent.ts` provides it. */
export interface CreateEngineOptions {
  dataSource: DataSource
  outbox: OutboxWriter
  events: EventBus
  config: AgentConfig
  logger: Logger
  /** Our DIDs; the first is the one new threads and invitations use by default. */
  ourDids(): string[] | Promise<string[]>
  /**
   * Checks that a peer can be reached (its DID resolves and names an endpoint we can use), so
   * that accepting an invitation from an unreachable DID fails at once; rejects when it cannot.
   */
  reachable?: (did: string) => Promise<void>
  /** Services handlers may use (the Veramo agent, the credential store, ...). */
  services?: EngineServices
  /** Protocol handlers besides the built-in ones (issue-credential, present-proof, ...). */
  protocols?: ProtocolHandler<string, object>[]
  /** Milliseconds since the epoch; replaceable for tests. */
  now?: () => number
  newId?: () => string
}

/** A thread with its logged messages. */
export interface ThreadView {
  record: ProtocolRecord
  messages: ThreadMessage[]
}

/** The engine: a message sink, local commands, queries and the timeout sweep. */
export interface Engine extends MessageSink, EngineCommands {
  readonly registry: ProtocolRegistry
  /** Registers another protocol handler. */
  register(handler: ProtocolHandler<string, object>): void
  /** Registers what an invitee starts when accepting an invitation with this goal code. */
  registerGoal(goalCode: string, starter: GoalStarter): void
  /** Every connection, most recently seen first. */
  connections(): Promise<ConnectionView[]>
  /** One thread and its messages. */
  thread(thid: string): Promise<ThreadView | undefined>
  /** Thread records, newest first, optionally filtered. */
  threads(filter?: {
    protocol?: string
    state?: string
    peerDid?: string
  }): Promise<ProtocolRecord[]>
  /** Resolves once the thread is in a final state (immediately if it already is). */
  waitForFinal(thid: string): Promise<ProtocolRecord>
  /** Abandons every open thread whose timeout has passed; resolves with how many. */
  sweepTimeouts(now?: number): Promise<number>
  /**
   * Continues the open threads whose `onState` continuation a crash or a stop may have cut
   * short; with `reopenRoutes`, pings the peers of open threads. Call once, at start.
   */
  resume(options?: ResumeOptions): Promise<ResumeResult>
  /** Starts the periodic timeout sweep. */
  start(): void
  /** Stops the periodic timeout sweep. */
  stop(): void
}

/**
 * Creates the engine with the built-in protocols (report-problem 2.0, out-of-band 2.0,
 * trust-ping 2.0, discover-features 2.0) and any others given.
 */
export function createEngine(options: CreateEngineOptions): Engine {
  const registry = new ProtocolRegistry()
  const goals = new Map<string, GoalStarter>()
  const core: EngineCore = {
    dataSource: options.dataSource,
    outbox: options.outbox,
    events: options.events,
    logger: options.logger.child({ module: 'engine' }),
    registry,
    services: options.services ?? {},
    messageTtlSeconds: options.config.didcomm.messageTtlSeconds,
    threadTimeoutSeconds: options.config.protocols.threadTimeoutSeconds,
    now: options.now ?? Date.now,
    newId: options.newId ?? randomUUID,
  }

  for (const handler of createBuiltinHandlers(() => featuresOf(registry, goals))) {
    registry.register(handler)
  }
  for (const handler of options.protocols ?? []) registry.register(handler)

  const ourDids = async (): Promise<string[]> => {
    const dids = await options.ourDids()
    if (dids.length === 0) throw new IdentityMissingError('the agent has no DID yet')
    return dids
  }
  const commands = createCommands(core, {
    config: options.config,
    goals,
    ourDids,
    ...(options.reachable === undefined ? {} : { reachable: options.reachable }),
  })
  let timer: NodeJS.Timeout | undefined

  const engine: Engine = {
    ...commands,
    registry,

    register: (handler) => void registry.register(handler),
    registerGoal: (goalCode, starter) => void goals.set(goalCode, starter),

    async handle(received: ReceivedMessage, settle?: InboxSettle): Promise<void> {
      const { message } = received
      const peerDid = received.sender ?? plaintextSender(options.config, received)
      if (peerDid === undefined) {
        core.logger.warn(
          { messageId: message.id, type: message.type },
          'message without an authenticated sender refused; no reply possible',
        )
        return
      }

      const dids = await ourDids()
      const ourDid = message.to?.find((to) => dids.includes(to)) ?? (dids[0] as string)
      await dispatch(core, received, { ourDid, peerDid }, settle)
    },

    connections: () => listConnections(core.dataSource.manager),

    async thread(thid) {
      const record = await findRecordByThid(core.dataSource.manager, thid)
      if (record === undefined) return undefined
      return { record, messages: await threadMessages(core.dataSource.manager, thid) }
    },

    async threads(filter = {}) {
      const rows = await core.dataSource.manager.find(ProtocolRecordEntity, {
        where: filter,
        order: { createdAt: 'DESC' },
      })
      return rows.map(recordFromEntity)
    },

    async waitForFinal(thid) {
      const isDone = (record: ProtocolRecord): boolean => {
        const handler = registry.get(record.protocol)
        return handler !== undefined && isFinal(handler.definition, record.state)
      }
      const waiting = core.events.waitFor(
        'thread.state-changed',
        ({ record }) => record.thid === thid && isDone(record),
      )
      const current = await findRecordByThid(core.dataSource.manager, thid)
      if (current !== undefined && isDone(current)) return current
      return (await waiting).record
    },

    async sweepTimeouts(now = core.now()) {
      const due = await core.dataSource.manager.find(ProtocolRecordEntity, {
        where: { timeoutAt: LessThanOrEqual(new Date(now).toISOString()) },
      })

      let abandoned = 0
      for (const row of due) {
        const handler = registry.get(row.protocol)
        if (handler === undefined) continue
        try {
          const applied = await withConflictRetry(async () => {
            const record = await findRecordByThid(core.dataSource.manager, row.thid)
            if (record === undefined || isFinal(handler.definition, record.state)) return undefined
            const result = await commitTransition(core, handler, record, { type: TIMEOUT_EVENT })
            publish(core, record.state, result)
            return result
          })
          if (applied !== undefined) abandoned++
        } catch (error) {
          core.logger.error({ thid: row.thid, err: error }, 'timed-out thread not abandoned')
        }
      }
      return abandoned
    },

    resume: (resumeOptions) => resumeThreads(core, resumeOptions),

    start() {
      if (timer !== undefined) return
      const everyMs = Math.min(core.threadTimeoutSeconds * 100, 60_000)
      timer = setInterval(() => {
        engine.sweepTimeouts().catch((error: unknown) => {
          core.logger.error({ err: error }, 'timeout sweep failed')
        })
      }, everyMs)
      timer.unref()
    },

    stop() {
      if (timer !== undefined) clearInterval(timer)
      timer = undefined
    },
  }

  return engine
}

/** With `didcomm.allowPlaintext`, an unauthenticated message's `from` is taken at its word. */
function plaintextSender(config: AgentConfig, received: ReceivedMessage): string | undefined {
  if (!config.didcomm.allowPlaintext || received.metadata.encrypted) return undefined
  return received.message.from
}
