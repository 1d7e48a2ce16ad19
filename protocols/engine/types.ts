/**
 * The vocabulary every Parley protocol is written in: records, events, effects, transition tables
 * and the handler interface. A protocol folder (`protocols/<name>/<version>/`) exports a
 * {@link ProtocolDefinition} and a {@link ProtocolHandler}; it knows nothing of sockets or SQL.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#threads
 */
import type { Logger } from 'pino'
import type { EntityManager } from 'typeorm'

import type { Attachment, PackForm, PlaintextMessage } from '../../agent/didcomm/types.js'

/** A JSON object: what record data, event parameters and effect payloads are made of. */
export type JsonObject = Record<string, unknown>

/** The pseudo-state of a thread that has no record yet; a table's first row is keyed by it. */
export const START = 'start'

/** Engine-level event: a problem report arrived for the thread. */
export const PROBLEM_REPORT_EVENT = 'problem-report'

/** Engine-level event: the thread waited longer than `protocols.threadTimeoutSeconds`. */
export const TIMEOUT_EVENT = 'timeout'

/** A problem as carried by a report-problem 2.0 message. */
export interface Problem {
  /** `sorter.scope.descriptor`, e.g. `e.p.msg.unsupported`; see docs/problem-codes.md. */
  code: string
  comment?: string
  args?: string[]
}

/**
 * One protocol thread, as stored: the state, who talks to whom, and protocol data.
 * Every field is JSON: a record survives `JSON.parse(JSON.stringify(record))` unchanged.
 */
export interface ProtocolRecord<S extends string = string, D extends object = JsonObject> {
  id: string
  /** The thread id: the `thid` of its messages, or the `id` of the first one. */
  thid: string
  /** The parent thread, e.g. the out-of-band invitation the thread answers. */
  pthid?: string
  /** The protocol identifier URI, `<doc-uri>/<name>/<major.minor>`. */
  protocol: string
  role: string
  state: S
  ourDid: string
  peerDid: string
  data: D
  /** The problem that ended the thread, when it was abandoned. */
  problem?: Problem
  /** ISO 8601 timestamps. */
  createdAt: string
  updatedAt: string
  /** When a thread still open at this time is abandoned; absent once final. */
  timeoutAt?: string
  /** Optimistic-concurrency version, incremented by every stored transition. */
  version: number
}

/**
 * What happens to a thread: a received message (`receive-<message name>`), a local command
 * (`send-<message name>`, or any name the protocol's table uses), a problem report or a timeout.
 */
export interface ProtocolEvent {
  type: string
  /** The received message, for `receive-*` events. */
  message?: PlaintextMessage
  /** Inputs of a command, or results the handler computed before deciding (e.g. a signed JWT). */
  params?: JsonObject
  /** For {@link PROBLEM_REPORT_EVENT}. */
  problem?: Problem
}

/**
 * An outbound message before addressing: the apply step adds `id` (unless given), `from`, `to`,
 * `thid`, `pthid`, `created_time` and `expires_time` from the record and the clock.
 */
export interface MessageDraft {
  /** A full message type URI. */
  type: string
  /** Set only where the message must carry a known id (the first message of a thread). */
  id?: string
  body: JsonObject
  attachments?: Attachment[]
  /** Other headers, e.g. `please_ack`. */
  headers?: JsonObject
}

/** Send a message to the thread's peer, through the outbox, in the same transaction. */
export interface SendEffect {
  kind: 'send'
  message: MessageDraft
  form?: PackForm
}

/** Send a report-problem 2.0 message about this thread to its peer. */
export interface ProblemEffect {
  kind: 'problem'
  problem: Problem
}

/** Publish a protocol-specific in-process event after commit (e.g. `credential-received`). */
export interface NotifyEffect {
  kind: 'notify'
  name: string
  payload: JsonObject
}

/** A protocol-specific effect, run by its handler's `applyEffect` inside the transaction. */
export interface CustomEffect {
  kind: 'custom'
  name: string
  payload: JsonObject
}

/** What a transition asks to happen; data, run by the apply step. */
export type Effect = SendEffect | ProblemEffect | NotifyEffect | CustomEffect

/** What a rule computes from the record and the event: new protocol data and effects. */
export interface Decision<D extends object = JsonObject> {
  data?: D
  effects?: Effect[]
}

/** One cell of a transition table. */
export interface TransitionRule<S extends string = string, D extends object = JsonObject> {
  target: S
  /** The role a thread takes when this rule creates it (rules in the {@link START} row). */
  role?: string
  /**
   * Pure: computes data and effects. Throw a {@link ProtocolProblemError} subclass to refuse
   * the event (e.g. a malformed body); the record is then left unchanged.
   */
  decide?: (record: ProtocolRecord<S, D>, event: ProtocolEvent) => Decision<D>
}

/** Transitions as data: state (or {@link START}) → event type → rule. */
export type TransitionTable<S extends string = string, D extends object = JsonObject> = {
  [state in S | typeof START]?: { [eventType: string]: TransitionRule<S, D> }
}

/** The static description of one protocol version. */
export interface ProtocolDefinition<S extends string = string, D extends object = JsonObject> {
  /** `<doc-uri>/<name>/<major.minor>`, e.g. `https://didcomm.org/trust-ping/2.0`. */
  piuri: string
  /** Message names this version defines (the last segment of their type URIs). */
  messages: readonly string[]
  roles: readonly string[]
  states: readonly S[]
  /** States from which nothing moves; the thread's timeout is cleared on entering one. */
  finalStates: readonly S[]
  /** Where a received problem report or a timeout leaves an open thread. */
  abandonedState: S
  table: TransitionTable<S, D>
  /** The data of a new record. */
  initialData(): D
}

/** Services the assembly injects for handlers (the Veramo agent, the credential store, ...). */
export type EngineServices = Record<string, unknown>

/** What a handler sees: the thread, the parties and the injected services; no sockets, no SQL. */
export interface HandlerContext<S extends string = string, D extends object = JsonObject> {
  ourDid: string
  peerDid: string
  /** The record as stored (state {@link START} for a thread not yet stored). */
  record: Readonly<ProtocolRecord<S, D>>
  services: EngineServices
  logger: Logger
  /** Milliseconds since the epoch, from the engine's clock. */
  now: number
}

/** What `applyEffect` may touch: the open transaction, and the record as it will be stored. */
export interface EffectContext<S extends string = string, D extends object = JsonObject> {
  manager: EntityManager
  record: Readonly<ProtocolRecord<S, D>>
  services: EngineServices
  logger: Logger
}

/**
 * The code side of a protocol. Only `definition` is required: the engine turns each received
 * message into a `receive-<name>` event and applies the table.
 */
export interface ProtocolHandler<S extends string = string, D extends object = JsonObject> {
  definition: ProtocolDefinition<S, D>
  /**
   * Turns a received message into an event, doing any I/O the decision needs (verifying a
   * credential, evaluating a presentation). Throw a problem error to refuse the message.
   */
  receive?(ctx: HandlerContext<S, D>, message: PlaintextMessage): Promise<ProtocolEvent>
  /**
   * Runs after a transition committed; returns the next local command to apply, if the protocol
   * continues on its own (e.g. auto-accepting an offer), in a new transaction. It must decide from
   * the stored record alone: the engine asks it again for every open thread at start
   * (`Engine.resume`), since a crash may have come between the commit and this call.
   */
  onState?(ctx: HandlerContext<S, D>): Promise<ProtocolEvent | undefined>
  /** Runs a {@link CustomEffect} inside the transaction that stores the transition. */
  applyEffect?(ctx: EffectContext<S, D>, effect: CustomEffect): Promise<void>
  /** Feature disclosure: roles this agent plays, for discover-features. */
  disclosedRoles?: readonly string[]
  /** Goal codes this protocol serves, for discover-features. */
  goalCodes?: readonly string[]
}

/** The outcome of the pure transition function. */
export interface TransitionResult<S extends string = string, D extends object = JsonObject> {
  record: ProtocolRecord<S, D>
  effects: Effect[]
  /** The state before, or {@link START}. */
  from: S | typeof START
}
