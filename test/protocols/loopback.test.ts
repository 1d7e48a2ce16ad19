import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ParleyAgent } from '../../agent/agent.js'
import { createNetwork, startAgent, type TestNetwork } from '../helpers/network.js'

describe('two agents on loopback with mutual TLS', () => {
  let network: TestNetwork
  let alice: ParleyAgent
  let bob: ParleyAgent

  beforeAll(async () => {
    // Key generation, migrations and two TLS servers: slow on a loaded two-core machine.
    network = await createNetwork()
    alice = await startAgent(network, 'alice')
    bob = await startAgent(network, 'bob')
  }, 180_000)
  afterAll(() => network.close())

  it('connect through an invitation URL', async () => {
    const invitation = await alice.engine.createInvitation({ goal: 'Meet Alice' })
    const { record } = await bob.engine.acceptInvitation(invitation.url)
    const done = await bob.engine.waitForFinal(record.thid)

    expect(done.state).toBe('done')
    expect(done.pthid).toBe(invitation.id)
    expect((await alice.engine.connections()).map((c) => [c.theirDid, c.origin])).toEqual([
      [bob.did, 'invitation-sent'],
    ])
    expect((await bob.engine.connections()).map((c) => [c.theirDid, c.origin])).toEqual([
      [alice.did, 'invitation-accepted'],
    ])
  })

  it('ping each other both ways', async () => {
    const fromAlice = await alice.engine.ping(bob.did)
    const fromBob = await bob.engine.ping(alice.did)

    expect((await alice.engine.waitForFinal(fromAlice.thid)).state).toBe('done')
    expect((await bob.engine.waitForFinal(fromBob.thid)).state).toBe('done')
  })

  it("discover each other's features", async () => {
    const byBob = await bob.engine.discoverFeatures(alice.did)
    const byAlice = await alice.engine.discoverFeatures(bob.did)
    const aliceKnows = (await bob.engine.waitForFinal(byBob.thid)).data['disclosures']
    const bobKnows = (await alice.engine.waitForFinal(byAlice.thid)).data['disclosures']

    const protocolsOf = (agent: ParleyAgent): string[] =>
      agent.engine.registry.handlers().map((h) => h.definition.piuri)
    expect((aliceKnows as { id: string }[]).map((d) => d.id)).toEqual(protocolsOf(alice))
    expect((bobKnows as { id: string }[]).map((d) => d.id)).toEqual(protocolsOf(bob))
    expect(protocolsOf(alice)).toContain('https://didcomm.org/trust-ping/2.0')
  })
})
