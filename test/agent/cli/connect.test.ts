import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ParleyAgent } from '../../../agent/agent.js'
import { runCli, writeAgentYml } from '../../helpers/admin.js'
import { createNetwork, freePort, startAgent, type TestNetwork } from '../../helpers/network.js'

// The issue-4 commands, run as a user runs them: `parley` child processes against running agents.
describe('parley invite, connect, ping, features and connections', () => {
  let network: TestNetwork
  let issuer: ParleyAgent
  let holder: ParleyAgent
  let issuerYml: string
  let holderYml: string

  beforeAll(async () => {
    network = await createNetwork()
    const admin = async () => ({ admin: { enabled: true, port: await freePort() } })
    issuer = await startAgent(network, 'issuer', { config: await admin() })
    holder = await startAgent(network, 'holder', { listen: false, config: await admin() })
    issuerYml = writeAgentYml(issuer)
    holderYml = writeAgentYml(holder)
  }, 180_000)
  afterAll(() => network.close())

  it('connects two agents through an invitation URL made and accepted on the command line', async () => {
    const invite = await runCli(issuerYml, ['invite', '--goal-code', 'connect'])
    const url = invite.stdout.trim().split('\n').at(-1) ?? ''
    const connect = await runCli(holderYml, ['connect', url])
    const connections = await runCli(issuerYml, ['connections'])

    expect(invite.code).toBe(0)
    expect(url).toMatch(/[?&]_oob=/)
    expect(connect.code).toBe(0)
    expect(connections.code).toBe(0)
    const listed = JSON.parse(connections.stdout) as { theirDid: string; origin: string }[]
    expect(listed.map((c) => [c.theirDid, c.origin])).toEqual([[holder.did, 'invitation-sent']])
  })

  it('pings and discovers features both ways', async () => {
    const ping = await runCli(holderYml, ['ping', issuer.did])
    const pingBack = await runCli(issuerYml, ['ping', holder.did])
    const features = await runCli(holderYml, ['features', issuer.did])

    expect([ping.code, pingBack.code, features.code]).toEqual([0, 0, 0])
    const disclosed = (JSON.parse(features.stdout) as { id: string }[]).map((d) => d.id)
    expect(disclosed).toContain('https://didcomm.org/issue-credential/3.0')
    expect(disclosed).toContain('https://didcomm.org/present-proof/3.0')
  })

  it.each([
    ['whose DID does not resolve', 'did:peer:2.garbage'],
    ['whose DID names no endpoint', 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK'],
  ])('refuses an invitation %s, and records no connection', async (_case, from) => {
    const invitation = {
      type: 'https://didcomm.org/out-of-band/2.0/invitation',
      id: `bad-${from.length}`,
      from,
      body: {},
    }
    const url = `https://x.test/?_oob=${Buffer.from(JSON.stringify(invitation)).toString('base64url')}`

    const connect = await runCli(holderYml, ['connect', url])
    const connections = await runCli(holderYml, ['connections'])

    expect(connect.code).toBe(1)
    expect(connect.stderr).toMatch(/^parley: ERR_OOB_INVITATION_INVALID: the inviter cannot be/)
    const listed = JSON.parse(connections.stdout) as { theirDid: string }[]
    expect(listed.map((c) => c.theirDid)).not.toContain(from)
  })

  it('refuses a garbage invitation with a coded error and exit code 1', async () => {
    const connect = await runCli(holderYml, ['connect', 'https://example.com/?_oob=not-base64url!'])

    expect(connect.code).toBe(1)
    expect(connect.stderr).toMatch(/^parley: ERR_[A-Z_]+: /)
  })
})
