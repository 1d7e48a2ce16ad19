import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ParleyAgent } from '../../agent/agent.js'
import { createNetwork, startAgent, type TestNetwork } from '../helpers/network.js'

describe('a holder with no endpoint of its own, over mutual TLS', () => {
  let network: TestNetwork
  let issuer: ParleyAgent
  let holder: ParleyAgent

  beforeAll(async () => {
    network = await createNetwork()
    issuer = await startAgent(network, 'issuer')
    holder = await startAgent(network, 'holder', { listen: false })
  })
  afterAll(() => network.close())

  it('connects through an invitation and is pinged back over its own WebSocket', async () => {
    const invitation = await issuer.engine.createInvitation({ goalCode: 'connect' })
    const accepted = await holder.engine.acceptInvitation(invitation.url)
    await holder.engine.waitForFinal(accepted.record.thid)

    const fromHolder = await holder.engine.ping(issuer.did)
    const pingedIssuer = await holder.engine.waitForFinal(fromHolder.thid)

    const fromIssuer = await issuer.engine.ping(holder.did)
    const pingedHolder = await issuer.engine.waitForFinal(fromIssuer.thid)

    expect(accepted.invitation.id).toBe(invitation.id)
    expect(pingedIssuer.state).toBe('done')
    expect(pingedHolder.state).toBe('done')
    expect((await issuer.engine.connections()).map((c) => c.theirDid)).toContain(holder.did)
  })
})
