import type { EntityManager } from 'typeorm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { PlaintextMessage } from '../../../agent/didcomm/types.js'
import { InboxEntryEntity } from '../../../storage/inbox-entry.js'
import { createActor, received, type Actor } from '../helpers.js'

type Closable = Actor & { close(): Promise<void> }

const ping = (id: string): PlaintextMessage => ({
  id,
  type: 'https://didcomm.org/trust-ping/2.0/ping',
  from: 'did:example:bob',
  to: ['did:example:alice'],
  body: { response_requested: true },
})

async function snapshot(actor: Actor): Promise<unknown> {
  return {
    threads: await actor.engine.threads(),
    outbox: await actor.outbox.messages(),
    log: await actor.dataSource.query(
      'SELECT messageId, direction FROM thread_message ORDER BY createdAt',
    ),
    connections: await actor.engine.connections(),
  }
}

describe('the dispatcher', () => {
  let alice: Closable

  beforeEach(async () => {
    alice = await createActor('did:example:alice')
  })
  afterEach(() => alice.close())

  it('applies a message dispatched twice once, and does not answer the copy', async () => {
    await alice.engine.handle(received(ping('Ping-1')))
    const after = await snapshot(alice)
    await alice.engine.handle(received(ping('ping-1')))

    expect(await snapshot(alice)).toEqual(after)
    expect((await alice.outbox.messages()).length).toBe(1)
  })

  it('commits the inbox settle with the message it applies, and never with a refused one', async () => {
    const settle = (id: string) => async (tx: EntityManager) => {
      await tx.insert(InboxEntryEntity, {
        id,
        messageId: id,
        sender: 'did:example:bob',
        received: '{}',
        receivedAt: 0,
        processedAt: 1,
      })
    }

    await alice.engine.handle(received(ping('ping-5')), settle('ping-5'))
    await alice.engine.handle(received(ping('ping-5')), settle('the copy of ping-5'))
    alice.outbox.failNext = true
    await alice.engine.handle(received(ping('ping-6')), settle('ping-6'))

    const rows = await alice.dataSource.getRepository(InboxEntryEntity).find()
    expect(rows.map((row) => row.id)).toEqual(['ping-5'])
  })

  it('leaves record, log, connections and outbox as they were when queueing fails after deciding', async () => {
    const record = await alice.engine.ping('did:example:bob')
    const before = await snapshot(alice)
    alice.outbox.failNext = true

    await expect(alice.engine.act(record.thid, { type: 'timeout' })).rejects.toThrow(
      'injected failure while queueing',
    )
    expect(await snapshot(alice)).toEqual(before)
  })

  it('keeps state and outbox consistent when the outbox fails inside the transition', async () => {
    alice.outbox.failNext = true
    await alice.engine.handle(received(ping('ping-2')))

    // The transition rolled back; the problem report that followed is the only thing stored.
    expect(await alice.engine.threads()).toEqual([])
    expect((await alice.outbox.messages()).map((m) => [m.type, m.body['code']])).toEqual([
      ['https://didcomm.org/report-problem/2.0/problem-report', 'e.p.me'],
    ])
    expect(
      await alice.dataSource.query("SELECT messageId FROM thread_message WHERE direction = 'in'"),
    ).toEqual([])
  })

  it('refuses an illegal transition with e.m.msg.unexpected and leaves the record unchanged', async () => {
    await alice.engine.handle(received(ping('ping-3')))
    const before = (await alice.engine.thread('ping-3'))?.record
    await alice.engine.handle(
      received({
        ...ping('late-1'),
        type: 'https://didcomm.org/trust-ping/2.0/ping-response',
        thid: 'ping-3',
        body: {},
      }),
    )

    expect((await alice.engine.thread('ping-3'))?.record).toEqual(before)
    const [, report] = await alice.outbox.messages()
    expect(report?.body).toEqual({
      code: 'e.m.msg.unexpected',
      comment:
        'receive-ping-response is not allowed in state done of https://didcomm.org/trust-ping/2.0',
    })
    expect(report?.pthid).toBe('ping-3')
  })

  it('answers a message continuing an unknown thread with e.p.msg.unknown-thread', async () => {
    await alice.engine.handle(
      received({
        ...ping('resp-1'),
        type: 'https://didcomm.org/trust-ping/2.0/ping-response',
        thid: 'nope',
        body: {},
      }),
    )
    const [report] = await alice.outbox.messages()
    expect(report?.body['code']).toBe('e.p.msg.unknown-thread')
    expect(report?.pthid).toBe('nope')
  })

  it('refuses a message in a thread that belongs to another peer', async () => {
    const record = await alice.engine.ping('did:example:bob')
    await alice.engine.handle(
      received({
        ...ping('resp-2'),
        from: 'did:example:mallory',
        type: 'https://didcomm.org/trust-ping/2.0/ping-response',
        thid: record.thid,
        body: {},
      }),
    )
    expect((await alice.engine.thread(record.thid))?.record.state).toBe('ping-sent')
  })

  it('abandons threads past protocols.threadTimeoutSeconds with a problem report', async () => {
    const record = await alice.engine.ping('did:example:bob')
    expect(await alice.engine.sweepTimeouts(alice.clock.now + 86_399_000)).toBe(0)

    alice.clock.now += 86_400_000
    expect(await alice.engine.sweepTimeouts()).toBe(1)

    const thread = await alice.engine.thread(record.thid)
    expect(thread?.record.state).toBe('abandoned')
    expect(thread?.record.timeoutAt).toBeUndefined()
    const [, report] = await alice.outbox.messages()
    expect(report).toMatchObject({ pthid: record.thid, body: { code: 'e.p.req.time' } })
    expect(await alice.engine.sweepTimeouts()).toBe(0)
  })

  it('publishes a state change and message events after commit', async () => {
    const seen: string[] = []
    alice.events.onAny((name) => seen.push(name))
    await alice.engine.handle(received(ping('ping-4')))

    expect(seen).toEqual([
      'message.received',
      'connection.changed',
      'thread.state-changed',
      'message.queued',
    ])
  })
})
