import { describe, expect, it } from 'vitest'

import type { PlaintextMessage } from '../../../agent/didcomm/types.js'
import {
  DiscoverFeaturesState,
  discoverFeaturesDefinition,
} from '../../../protocols/discover-features/2.0/protocol.js'
import { acceptedEvents, transition } from '../../../protocols/engine/transition.js'
import {
  START,
  type ProtocolDefinition,
  type ProtocolRecord,
} from '../../../protocols/engine/types.js'
import { TrustPingState, trustPingDefinition } from '../../../protocols/trust-ping/2.0/protocol.js'

const clock = { now: '2026-01-01T00:00:10.000Z', timeoutAt: '2026-01-02T00:00:10.000Z' }

function record(state: string, role = 'sender'): ProtocolRecord<string> {
  return {
    id: 'rec-1',
    thid: 'thread-1',
    protocol: 'https://didcomm.org/trust-ping/2.0',
    role,
    state,
    ourDid: 'did:example:alice',
    peerDid: 'did:example:bob',
    data: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
    version: state === START ? 0 : 3,
  }
}

const msg = (name: string, body: Record<string, unknown> = {}): PlaintextMessage => ({
  id: `m-${name}`,
  type: `https://didcomm.org/x/2.0/${name}`,
  body,
})

describe('trust-ping 2.0 transitions', () => {
  const def = trustPingDefinition as ProtocolDefinition<string>
  const legal = [
    [START, 'send-ping', TrustPingState.PingSent, 'sender', 1],
    [START, 'receive-ping', TrustPingState.Done, 'receiver', 1],
    [TrustPingState.PingSent, 'receive-ping-response', TrustPingState.Done, 'sender', 0],
    [TrustPingState.PingSent, 'receive-ping', TrustPingState.Done, 'sender', 0],
    [TrustPingState.PingSent, 'timeout', TrustPingState.Abandoned, 'sender', 1],
    [TrustPingState.PingSent, 'problem-report', TrustPingState.Abandoned, 'sender', 0],
  ] as const

  it.each(legal)('moves %s on %s to %s as %s with %i effects', (from, event, to, role, effects) => {
    const name = event.replace(/^receive-/, '')
    const result = transition(
      def,
      record(from, from === START ? '' : 'sender'),
      {
        type: event,
        message: msg(name, { response_requested: true }),
        problem: { code: 'e.p.xfer.cant-use-endpoint' },
      },
      clock,
    )

    expect(result.record.state).toBe(to)
    expect(result.record.role).toBe(role)
    expect(result.effects).toHaveLength(effects)
    expect(result.record.version).toBe(from === START ? 1 : 4)
  })

  const states = [START, ...trustPingDefinition.states]
  const events = ['send-ping', 'receive-ping', 'receive-ping-response', 'timeout', 'problem-report']
  const illegal = states.flatMap((state) =>
    events
      .filter((event) => !legal.some(([s, e]) => s === state && e === event))
      .map((event) => [state, event] as const),
  )

  it.each(illegal)('refuses %s on %s with ERR_ENGINE_TRANSITION_ILLEGAL', (state, event) => {
    expect(() =>
      transition(def, record(state), { type: event, message: msg('ping') }, clock),
    ).toThrow(
      expect.objectContaining({
        code: 'ERR_ENGINE_TRANSITION_ILLEGAL',
        problemCode: 'e.m.msg.unexpected',
      }),
    )
  })

  it('answers a ping without response_requested: false with a ping-response, and not otherwise', () => {
    const asked = transition(
      def,
      record(START),
      { type: 'receive-ping', message: msg('ping', { response_requested: true }) },
      clock,
    )
    const silent = transition(
      def,
      record(START),
      { type: 'receive-ping', message: msg('ping', { response_requested: false }) },
      clock,
    )

    expect(asked.effects).toEqual([
      {
        kind: 'send',
        message: { type: 'https://didcomm.org/trust-ping/2.0/ping-response', body: {} },
      },
    ])
    expect(silent.effects).toEqual([])
  })

  it('abandons a timed-out thread with an e.p.req.time problem report to the peer', () => {
    const result = transition(def, record(TrustPingState.PingSent), { type: 'timeout' }, clock)

    expect(result.record.problem?.code).toBe('e.p.req.time')
    expect(result.effects).toEqual([{ kind: 'problem', problem: result.record.problem }])
    expect(result.record.timeoutAt).toBeUndefined()
  })

  it('leaves the record it was given untouched', () => {
    const before = record(TrustPingState.PingSent)
    const copy = structuredClone(before)
    transition(def, before, { type: 'receive-ping-response', message: msg('ping-response') }, clock)
    expect(before).toEqual(copy)
  })

  it('lists the events each state accepts from the table', () => {
    expect(acceptedEvents(def, START)).toEqual(['receive-ping', 'send-ping'])
    expect(acceptedEvents(def, TrustPingState.Done)).toEqual([])
  })
})

describe('discover-features 2.0 transitions', () => {
  const def = discoverFeaturesDefinition as ProtocolDefinition<string>
  const disclose = msg('disclose', {
    disclosures: [{ 'feature-type': 'protocol', id: 'https://didcomm.org/trust-ping/2.0' }],
  })
  const legal = [
    [START, 'send-queries', DiscoverFeaturesState.QueriesSent],
    [START, 'receive-queries', DiscoverFeaturesState.Done],
    [START, 'receive-disclose', DiscoverFeaturesState.Done],
    [START, 'receive-disclosures', DiscoverFeaturesState.Done],
    [DiscoverFeaturesState.QueriesSent, 'receive-disclose', DiscoverFeaturesState.Done],
    [DiscoverFeaturesState.QueriesSent, 'receive-disclosures', DiscoverFeaturesState.Done],
    [DiscoverFeaturesState.QueriesSent, 'timeout', DiscoverFeaturesState.Abandoned],
    [DiscoverFeaturesState.QueriesSent, 'problem-report', DiscoverFeaturesState.Abandoned],
  ] as const

  it.each(legal)('moves %s on %s to %s', (from, event, to) => {
    const result = transition(
      def,
      record(from),
      {
        type: event,
        message: disclose,
        params: { queries: [], disclosures: [] },
      },
      clock,
    )
    expect(result.record.state).toBe(to)
  })

  const events = [
    'send-queries',
    'receive-queries',
    'receive-disclose',
    'receive-disclosures',
    'timeout',
    'problem-report',
  ]
  const illegal = [START, ...discoverFeaturesDefinition.states].flatMap((state) =>
    events
      .filter((event) => !legal.some(([s, e]) => s === state && e === event))
      .map((event) => [state, event] as const),
  )

  it.each(illegal)('refuses %s on %s', (state, event) => {
    expect(() => transition(def, record(state), { type: event, message: disclose }, clock)).toThrow(
      expect.objectContaining({ code: 'ERR_ENGINE_TRANSITION_ILLEGAL' }),
    )
  })
})

describe('a protocol record', () => {
  it('survives a JSON round trip unchanged, before and after a transition', () => {
    const def = trustPingDefinition as ProtocolDefinition<string>
    const started = transition(
      def,
      { ...record(START), pthid: 'invitation-1' },
      { type: 'send-ping', params: { responseRequested: true } },
      clock,
    ).record
    const abandoned = transition(def, started, { type: 'timeout' }, clock).record

    for (const r of [started, abandoned]) {
      expect(JSON.parse(JSON.stringify(r))).toStrictEqual(r)
    }

    const revived = JSON.parse(JSON.stringify(started)) as typeof started
    const next = transition(
      def,
      revived,
      { type: 'receive-ping-response', message: msg('ping-response') },
      clock,
    )
    expect(next.record.state).toBe('done')
    expect(next.record.pthid).toBe('invitation-1')
  })
})
