import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import type { PlaintextMessage } from '../../../../agent/didcomm/types.js'
import { matchFeatures } from '../../../../protocols/discover-features/2.0/features.js'
import { createActor, deliver, received, specExamples, type Actor } from '../../helpers.js'

type Closable = Actor & { close(): Promise<void> }

const OURS = [
  {
    'feature-type': 'protocol',
    id: 'https://didcomm.org/report-problem/2.0',
    roles: ['notifier', 'notified'],
  },
  {
    'feature-type': 'protocol',
    id: 'https://didcomm.org/out-of-band/2.0',
    roles: ['inviter', 'invitee'],
  },
  {
    'feature-type': 'protocol',
    id: 'https://didcomm.org/trust-ping/2.0',
    roles: ['sender', 'receiver'],
  },
  {
    'feature-type': 'protocol',
    id: 'https://didcomm.org/discover-features/2.0',
    roles: ['requester', 'responder'],
  },
]

describe('matchFeatures', () => {
  it.each([
    ['every protocol for *', [{ 'feature-type': 'protocol', match: '*' }], OURS],
    [
      'a prefix wildcard',
      [{ 'feature-type': 'protocol', match: 'https://didcomm.org/trust-*' }],
      [OURS[2]],
    ],
    [
      'an exact id',
      [{ 'feature-type': 'protocol', match: 'https://didcomm.org/out-of-band/2.0' }],
      [OURS[1]],
    ],
    [
      'a minor-version wildcard',
      [{ 'feature-type': 'protocol', match: 'https://didcomm.org/discover-features/2.*' }],
      [OURS[3]],
    ],
    [
      'nothing for the spec tictactoe query',
      [{ 'feature-type': 'protocol', match: 'https://didcomm.org/tictactoe/1.*' }],
      [],
    ],
    ['nothing for another feature type', [{ 'feature-type': 'goal-code', match: '*' }], []],
  ])('discloses %s', (_case, queries, expected) => {
    expect(matchFeatures(OURS, queries)).toEqual(expected)
  })
})

describe('discover-features 2.0', () => {
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

  it('answers the spec example queries with a disclose of the same thread', async () => {
    const [queries] = await specExamples('feature_discovery')
    const message = { ...(queries?.json as PlaintextMessage), from: alice.did, to: [bob.did] }
    await bob.engine.handle(received(message))

    const [disclose] = await bob.outbox.messages()
    expect(disclose?.type).toBe('https://didcomm.org/discover-features/2.0/disclose')
    expect(disclose?.thid).toBe('yWd8wfYzhmuXX3hmLNaV5bVbAjbWaU')
    expect(disclose?.body).toEqual({ disclosures: [] })
  })

  it('discloses the goal codes registered for invitations', async () => {
    bob.engine.registerGoal('org.didcomm.sell.goods.consumer', () => ({
      protocol: 'https://didcomm.org/trust-ping/2.0',
      event: { type: 'send-ping' },
    }))
    const [queries] = await specExamples('feature_discovery')
    await bob.engine.handle(received({ ...(queries?.json as PlaintextMessage), from: alice.did }))

    const [disclose] = await bob.outbox.messages()
    expect(disclose?.body).toEqual({
      disclosures: [{ 'feature-type': 'goal-code', id: 'org.didcomm.sell.goods.consumer' }],
    })
  })

  it.each(['disclose', 'disclosures'])('records the spec example answer named %s', async (name) => {
    const [, example] = await specExamples('feature_discovery')
    const record = await alice.engine.discoverFeatures(bob.did)
    const answer: PlaintextMessage = {
      ...(example?.json as PlaintextMessage),
      id: `answer-${name}`,
      type: `https://didcomm.org/discover-features/2.0/${name}`,
      thid: record.thid,
      from: bob.did,
    }
    await alice.engine.handle(received(answer))

    const thread = await alice.engine.thread(record.thid)
    expect(thread?.record.state).toBe('done')
    expect(thread?.record.data['disclosures']).toEqual([
      { 'feature-type': 'protocol', id: 'https://didcomm.org/tictactoe/1.0', roles: ['player'] },
      { 'feature-type': 'goal-code', id: 'org.didcomm.sell.goods.consumer' },
    ])
  })

  it('discovers every protocol of a peer over the wire', async () => {
    const record = await alice.engine.discoverFeatures(bob.did)
    await deliver(alice, bob)
    await deliver(bob, alice)

    expect((await alice.engine.thread(record.thid))?.record.data['disclosures']).toEqual(OURS)
  })
})
