import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { peersToReopen, threadsToResume } from '../../../protocols/engine/resume.js'
import type {
  ProtocolDefinition,
  ProtocolHandler,
  ProtocolRecord,
} from '../../../protocols/engine/types.js'
import { TRUST_PING } from '../../../protocols/trust-ping/2.0/protocol.js'
import { createActor, received, T0, type Actor } from '../helpers.js'

const RELAY = 'https://example.org/relay/1.0'

/** A protocol that answers a `hello` with an `ack` on its own, through `onState`. */
const relayDefinition: ProtocolDefinition<string, object> = {
  piuri: RELAY,
  messages: ['hello', 'ack', 'wait'],
  roles: ['responder'],
  states: ['received', 'waiting', 'done', 'abandoned'],
  finalStates: ['done', 'abandoned'],
  abandonedState: 'abandoned',
  initialData: () => ({}),
  table: {
    start: {
      'receive-hello': { target: 'received', role: 'responder' },
      'receive-wait': { target: 'waiting', role: 'responder' },
    },
    received: {
      'send-ack': {
        target: 'done',
        decide: () => ({
          effects: [{ kind: 'send', message: { type: `${RELAY}/ack`, body: {} } }],
        }),
      },
    },
  },
}

/** The handler; while `crashed` is set its continuation never runs, as after a SIGKILL. */
function relayHandler(state: {
  crashed: boolean
  asked: string[]
}): ProtocolHandler<string, object> {
  return {
    definition: relayDefinition,
    async onState(ctx) {
      if (state.crashed) throw new Error('the process died before continuing')
      state.asked.push(ctx.record.state)
      return ctx.record.state === 'received' ? { type: 'send-ack' } : undefined
    },
  }
}

const message = (id: string, name: string) => ({
  id,
  type: `${RELAY}/${name}`,
  from: 'did:example:bob',
  to: ['did:example:alice'],
  body: {},
})

function record(thid: string, protocol: string, state: string, peerDid: string): ProtocolRecord {
  return {
    id: thid,
    thid,
    protocol,
    role: 'responder',
    state,
    ourDid: 'did:example:alice',
    peerDid,
    data: {},
    createdAt: new Date(T0).toISOString(),
    updatedAt: new Date(T0).toISOString(),
    version: 1,
  }
}

describe('resuming threads after a restart', () => {
  let alice: Actor & { close(): Promise<void> }
  const handler = { crashed: true, asked: [] as string[] }

  beforeEach(async () => {
    handler.crashed = true
    handler.asked = []
    alice = await createActor('did:example:alice', {
      protocols: [relayHandler(handler)],
    })
  })
  afterEach(() => alice.close())

  const sentTypes = async () => (await alice.outbox.messages()).map((m) => m.type.split('/').pop())

  it('runs the continuation a crash cut short, once, however often it resumes', async () => {
    await alice.engine.handle(received(message('hello-1', 'hello')))
    const stuck = await alice.engine.thread('hello-1')
    handler.crashed = false

    const first = await alice.engine.resume()
    const second = await alice.engine.resume()

    expect(stuck?.record.state).toBe('received')
    expect(first).toEqual({ continued: 1, pinged: 0 })
    expect(second).toEqual({ continued: 0, pinged: 0 })
    expect((await alice.engine.thread('hello-1'))?.record.state).toBe('done')
    expect(await sentTypes()).toEqual(['ack'])
  })

  it('asks again a thread that waits for a command, and leaves it waiting', async () => {
    await alice.engine.handle(received(message('wait-1', 'wait')))
    handler.crashed = false

    expect(await alice.engine.resume()).toEqual({ continued: 0, pinged: 0 })
    expect(handler.asked).toEqual(['waiting'])
    expect((await alice.engine.thread('wait-1'))?.record.version).toBe(1)
    expect(await sentTypes()).toEqual([])
  })

  it('pings each peer of an open thread once when asked to reopen routes', async () => {
    await alice.engine.handle(received(message('wait-2', 'wait')))
    await alice.engine.handle(received(message('wait-3', 'wait')))
    handler.crashed = false

    const result = await alice.engine.resume({ reopenRoutes: true })
    const [ping] = await alice.outbox.messages()

    expect(result).toEqual({ continued: 0, pinged: 1 })
    expect(ping?.type).toBe(`${TRUST_PING}/ping`)
    expect(ping?.to).toEqual(['did:example:bob'])
    expect(ping?.body).toEqual({ response_requested: true })
    expect(await sentTypes()).toEqual(['ping'])
  })
})

describe('choosing what to resume', () => {
  const registry = {
    get: (piuri: string) =>
      piuri === RELAY
        ? relayHandler({ crashed: false, asked: [] })
        : piuri === TRUST_PING
          ? { definition: { ...relayDefinition, piuri: TRUST_PING } }
          : undefined,
  }

  it('resumes open threads of protocols that continue on their own, and nothing else', () => {
    const records = [
      record('a', RELAY, 'received', 'did:example:bob'),
      record('b', RELAY, 'done', 'did:example:bob'),
      record('c', TRUST_PING, 'received', 'did:example:bob'),
      record('d', 'https://example.org/unknown/1.0', 'received', 'did:example:bob'),
    ]

    expect(threadsToResume(records, registry).map((r) => r.thid)).toEqual(['a'])
  })

  it('reopens routes to each peer of an open thread once, trust pings aside', () => {
    const records = [
      record('a', RELAY, 'received', 'did:example:bob'),
      record('b', RELAY, 'waiting', 'did:example:bob'),
      record('c', RELAY, 'done', 'did:example:carol'),
      record('d', TRUST_PING, 'received', 'did:example:dave'),
      record('e', RELAY, 'waiting', 'did:example:erin'),
    ]

    expect(peersToReopen(records, registry)).toEqual([
      { ourDid: 'did:example:alice', peerDid: 'did:example:bob' },
      { ourDid: 'did:example:alice', peerDid: 'did:example:erin' },
    ])
  })
})
