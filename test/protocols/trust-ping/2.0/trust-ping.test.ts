import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { PlaintextMessage } from '../../../../agent/didcomm/types.js'
import { createActor, deliver, received, specExamples, type Actor } from '../../helpers.js'

type Closable = Actor & { close(): Promise<void> }

describe('trust-ping 2.0', () => {
  let alice: Closable
  let bob: Closable

  beforeEach(async () => {
    alice = await createActor('did:example:alice')
    bob = await createActor('did:example:bob')
  })
  afterEach(async () => {
    await alice.close()
    await bob.close()
  })

  it('answers the spec example ping with a ping-response whose thid is the ping id', async () => {
    const [ping] = await specExamples('trustping')
    const message = { ...(ping?.json as PlaintextMessage), to: [bob.did] }
    await bob.engine.handle(received(message))

    const [response] = await bob.outbox.messages()
    expect(response).toEqual({
      id: 'e:bob-0004',
      type: 'https://didcomm.org/trust-ping/2.0/ping-response',
      from: bob.did,
      to: ['did:example:123456'],
      thid: '518be002-de8e-456e-b3d5-8fe472477a86',
      created_time: 1767225600,
      expires_time: 1767229200,
      body: {},
    })
    const thread = await bob.engine.thread('518be002-de8e-456e-b3d5-8fe472477a86')
    expect(thread?.record.state).toBe('done')
    expect(thread?.record.role).toBe('receiver')
    expect(thread?.messages.map((m) => [m.direction, m.type])).toEqual([
      ['in', 'https://didcomm.org/trust-ping/2.0/ping'],
      ['out', 'https://didcomm.org/trust-ping/2.0/ping-response'],
    ])
  })

  it('takes the spec example ping-response as the answer to our ping', async () => {
    const [, response] = await specExamples('trustping')
    const record = await alice.engine.ping(bob.did)
    const answer = {
      ...(response?.json as PlaintextMessage),
      thid: record.thid,
      from: bob.did,
      to: [alice.did],
      body: {},
    }
    await alice.engine.handle(received(answer))

    expect((await alice.engine.thread(record.thid))?.record.state).toBe('done')
  })

  it('pings both ways between two agents', async () => {
    const fromAlice = await alice.engine.ping(bob.did)
    const fromBob = await bob.engine.ping(alice.did)
    await deliver(alice, bob)
    await deliver(bob, alice)
    await deliver(alice, bob, 1)

    expect((await alice.engine.thread(fromAlice.thid))?.record.state).toBe('done')
    expect((await bob.engine.thread(fromBob.thid))?.record.state).toBe('done')
    expect((await alice.engine.connections()).map((c) => c.theirDid)).toEqual([bob.did])
  })

  it('takes a reply typed ping carrying our thread id as the response, and does not answer it', async () => {
    const record = await alice.engine.ping(bob.did)
    const reply: PlaintextMessage = {
      id: 'reply-1',
      type: 'https://didcomm.org/trust-ping/2.0/ping',
      from: bob.did,
      to: [alice.did],
      thid: record.thid,
      body: { response_requested: true },
    }
    await alice.engine.handle(received(reply))

    const sent = await alice.outbox.messages()
    expect(sent.map((m) => m.type)).toEqual(['https://didcomm.org/trust-ping/2.0/ping'])
    expect((await alice.engine.thread(record.thid))?.record.data).toEqual({
      responseRequested: true,
      responded: true,
    })
  })

  it('sends no response when response_requested is false', async () => {
    await bob.engine.handle(
      received({
        id: 'quiet-1',
        type: 'https://didcomm.org/trust-ping/2.0/ping',
        from: alice.did,
        to: [bob.did],
        body: { response_requested: false },
      }),
    )
    expect(await bob.outbox.messages()).toEqual([])
    expect((await bob.engine.thread('quiet-1'))?.record.state).toBe('done')
  })
})
