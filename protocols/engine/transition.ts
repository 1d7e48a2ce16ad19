/**
 * The pure transition function: a record and an event in, the next record and its effects out.
 * Nothing here reads a clock, a database or a socket; the apply step (`apply.ts`) acts on the
 * result.
 */
import { TransitionIllegalError } from './errors.js'
import {
  PROBLEM_REPORT_EVENT,
  START,
  TIMEOUT_EVENT,
  type Effect,
  type JsonObject,
  type Problem,
  type ProtocolDefinition,
  type ProtocolEvent,
  type ProtocolRecord,
  type TransitionResult,
  type TransitionRule,
} from './types.js'

/** The clock readings a transition stamps on the record, supplied by the caller. */
export interface TransitionClock {
  /** ISO 8601 time of the transition. */
  now: string
  /** ISO 8601 time at which the thread times out if it is still open after this transition. */
  timeoutAt: string
}

/** The problem a timed-out thread is abandoned with and reported to the peer. */
export const TIMEOUT_PROBLEM: Problem = {
  code: 'e.p.req.time',
  comment: 'The thread waited too long for its next message and was abandoned.',
}

/**
 * Decides the next state of a thread. A rule in the protocol's table wins; without one, a
 * problem report or a timeout moves any open thread to the protocol's abandoned state (a
 * timeout also reports the problem to the peer).
 *
 * @throws TransitionIllegalError (`ERR_ENGINE_TRANSITION_ILLEGAL`) when the event is not allowed
 *   in the record's state.
 * @throws ProtocolProblemError (any subclass) when a rule refuses the event.
 */
export function transition<S extends string, D extends object = JsonObject>(
  definition: ProtocolDefinition<S, D>,
  record: ProtocolRecord<S | typeof START, D>,
  event: ProtocolEvent,
  clock: TransitionClock,
): TransitionResult<S, D> {
  const rule = definition.table[record.state]?.[event.type]
  if (rule !== undefined) return applyRule(definition, record, event, rule, clock)

  if (event.type === PROBLEM_REPORT_EVENT || event.type === TIMEOUT_EVENT) {
    return abandon(definition, record, event, clock)
  }

  throw new TransitionIllegalError(
    `${event.type} is not allowed in state ${record.state} of ${definition.piuri}`,
  )
}

/** Whether a state is one of the protocol's final states. */
export function isFinal(definition: { finalStates: readonly string[] }, state: string): boolean {
  return definition.finalStates.includes(state)
}

/** The events a state accepts, from the table alone (for documentation and tests). */
export function acceptedEvents<S extends string, D extends object>(
  definition: ProtocolDefinition<S, D>,
  state: S | typeof START,
): string[] {
  return Object.keys(definition.table[state] ?? {}).sort()
}

function applyRule<S extends string, D extends object>(
  definition: ProtocolDefinition<S, D>,
  record: ProtocolRecord<S | typeof START, D>,
  event: ProtocolEvent,
  rule: TransitionRule<S, D>,
  clock: TransitionClock,
): TransitionResult<S, D> {
  const decision = rule.decide?.(record as ProtocolRecord<S, D>, event) ?? {}
  const role = record.state === START && rule.role !== undefined ? rule.role : record.role
  const next = nextRecord(definition, record, rule.target, clock, {
    role,
    data: decision.data ?? record.data,
  })

  return { record: next, effects: decision.effects ?? [], from: record.state }
}

function abandon<S extends string, D extends object>(
  definition: ProtocolDefinition<S, D>,
  record: ProtocolRecord<S | typeof START, D>,
  event: ProtocolEvent,
  clock: TransitionClock,
): TransitionResult<S, D> {
  if (record.state === START || isFinal(definition, record.state)) {
    throw new TransitionIllegalError(
      `${event.type} is not allowed in state ${record.state} of ${definition.piuri}`,
    )
  }

  const timedOut = event.type === TIMEOUT_EVENT
  const problem = timedOut ? TIMEOUT_PROBLEM : (event.problem ?? { code: 'e.p.msg' })
  const effects: Effect[] = timedOut ? [{ kind: 'problem', problem }] : []
  const next = nextRecord(definition, record, definition.abandonedState, clock, {
    role: record.role,
    data: record.data,
  })

  return { record: { ...next, problem }, effects, from: record.state }
}

function nextRecord<S extends string, D extends object>(
  definition: ProtocolDefinition<S, D>,
  record: ProtocolRecord<S | typeof START, D>,
  state: S,
  clock: TransitionClock,
  changes: { role: string; data: D },
): ProtocolRecord<S, D> {
  const { timeoutAt: _previous, ...rest } = record
  const next: ProtocolRecord<S, D> = {
    ...rest,
    role: changes.role,
    state,
    data: changes.data,
    updatedAt: clock.now,
    version: record.version + 1,
  }

  if (!isFinal(definition, state)) next.timeoutAt = clock.timeoutAt
  return next
}
