import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ParleyAgent } from '../../../agent/agent.js'
import { ISSUE_CREDENTIAL } from '../../../protocols/issue-credential/3.0/messages.js'
import { callAdmin, runCli, writeAgentYml } from '../../helpers/admin.js'
import { createNetwork, freePort, startAgent, type TestNetwork } from '../../helpers/network.js'

const KYC = { type: 'KycCredential', claims: { kycLevel: 2, name: 'Alice' } }

describe('credentials offered, accepted and kept through the admin API and the CLI', () => {
  let network: TestNetwork
  let acme: ParleyAgent
  let alice: ParleyAgent
  let bob: ParleyAgent
  let bobYml: string

  const withAdmin = async (config: Record<string, Record<string, unknown>> = {}) => ({
    config: { admin: { enabled: true, port: await freePort() }, ...config },
  })

  beforeAll(async () => {
    // Key generation, migrations and three TLS servers: slow on a loaded two-core machine.
    network = await createNetwork()
    acme = await startAgent(
      network,
      'acme',
      await withAdmin({ issuer: { offerRules: [{ goalCode: 'kyc', ...KYC }] } }),
    )
    alice = await startAgent(
      network,
      'alice',
      await withAdmin({ holder: { autoAcceptOffersFrom: [acme.did] } }),
    )
    bob = await startAgent(network, 'bob', await withAdmin())
    bobYml = writeAgentYml(bob)
  }, 180_000)
  afterAll(() => network.close())

  const issueThreadOf = (agent: ParleyAgent, peerDid: string, state: string) =>
    agent.events.waitFor(
      'thread.state-changed',
      ({ record }) =>
        record.protocol === ISSUE_CREDENTIAL &&
        record.peerDid === peerDid &&
        record.state === state,
    )

  it('offers the rule credential to a peer answering an invitation with its goal code', async () => {
    const issued = issueThreadOf(acme, alice.did, 'done')
    const invitation = await acme.engine.createInvitation({ goalCode: 'kyc' })

    await alice.engine.acceptInvitation(invitation.url)
    const { record } = await issued

    const [stored, ...more] = await alice.credentials.list()
    expect(record.pthid).toBe(invitation.id)
    expect(more).toEqual([])
    expect(stored?.issuer).toBe(acme.did)
    expect(stored?.subject).toBe(alice.did)
    expect(stored?.claims).toEqual(KYC.claims)
  })

  it('offers with POST /credentials/offers; the holder accepts with parley credential accept', async () => {
    const offered = issueThreadOf(bob, acme.did, 'offer-received')

    const answer = await callAdmin(acme, 'POST', '/credentials/offers', {
      body: { to: bob.did, type: 'KycCredential', claims: { kycLevel: 3, name: 'Bob' } },
    })
    const { record } = await offered
    const cli = await runCli(bobYml, ['credential', 'accept', record.thid, '--timeout', '60'])

    expect(answer.status).toBe(202)
    expect(answer.body.state).toBe('offer-sent')
    expect(record.thid).toBe(answer.body.thid)
    expect(cli.stderr).toBe('')
    expect(cli.code).toBe(0)
    expect(JSON.parse(cli.stdout).state).toBe('done')
    expect((await bob.credentials.list()).map((c) => c.claims)).toEqual([
      { kycLevel: 3, name: 'Bob' },
    ])
  })

  it.each([
    ['type', '?type=KycCredential', 1],
    ['another type', '?type=EmployeeCredential', 0],
    ['issuer', () => `?issuer=${encodeURIComponent(acme.did)}`, 1],
    ['another issuer', '?issuer=did:example:other', 0],
    ['a numeric claim value', '?claim=kycLevel%3D3', 1],
    ['a claim value of another JSON type', '?claim=kycLevel%3D%223%22', 0],
    ['two claim values', '?claim=kycLevel%3D3&claim=name%3DBob', 1],
  ])('lists the stored credentials by %s', async (_case, query, count) => {
    const suffix = typeof query === 'function' ? query() : query
    const answer = await callAdmin(bob, 'GET', `/credentials${suffix}`)

    expect(answer.status).toBe(200)
    expect(answer.body).toHaveLength(count)
  })

  it('lists with parley credentials list --claim and shows one with its JWT', async () => {
    const cli = await runCli(bobYml, ['credentials', 'list', '--claim', 'name=Bob'])
    const [listed] = JSON.parse(cli.stdout) as { hash: string; jwt?: string }[]
    const shown = await runCli(bobYml, ['credentials', 'show', listed?.hash ?? ''])

    expect(cli.code).toBe(0)
    expect(listed?.jwt).toBeUndefined()
    expect(JSON.parse(shown.stdout)).toMatchObject({
      hash: listed?.hash,
      issuer: acme.did,
      jwt: expect.stringMatching(/^ey/),
    })
  })

  it('deletes a credential with DELETE /credentials/{hash}; it is then not found', async () => {
    const [stored] = await alice.credentials.list()
    const hash = stored?.hash ?? ''

    const deleted = await callAdmin(alice, 'DELETE', `/credentials/${hash}`)
    const shown = await callAdmin(alice, 'GET', `/credentials/${hash}`)

    expect(deleted).toEqual({ status: 200, body: { hash, deleted: true } })
    expect(shown.status).toBe(404)
    expect(shown.body.code).toBe('ERR_STORAGE_NOT_FOUND')
    expect(await alice.credentials.list()).toEqual([])
  })

  it.each([
    [
      'no token',
      'POST',
      '/credentials/offers',
      { token: null, body: {} },
      401,
      'ERR_ADMIN_UNAUTHORIZED',
    ],
    [
      'no recipient',
      'POST',
      '/credentials/offers',
      { body: { type: 'K', claims: { a: 1 } } },
      400,
      'ERR_ADMIN_BAD_REQUEST',
    ],
    [
      'claims that are a list',
      'POST',
      '/credentials/offers',
      { body: { to: 'did:example:x', type: 'K', claims: [1] } },
      400,
      'ERR_ADMIN_BAD_REQUEST',
    ],
    [
      'an expiration that is no date',
      'POST',
      '/credentials/offers',
      { body: { to: 'did:example:x', type: 'K', claims: { a: 1 }, expirationDate: 'soon' } },
      400,
      'ERR_ADMIN_BAD_REQUEST',
    ],
    [
      'an unknown thread',
      'POST',
      '/credentials/offers/no-such-thread/accept',
      {},
      404,
      'ERR_ADMIN_NOT_FOUND',
    ],
    ['an unknown credential', 'GET', '/credentials/no-such-hash', {}, 404, 'ERR_STORAGE_NOT_FOUND'],
    [
      'a claim filter without a value',
      'GET',
      '/credentials?claim=kycLevel',
      {},
      400,
      'ERR_ADMIN_BAD_REQUEST',
    ],
  ] as const)('refuses a request with %s', async (_case, method, path, options, status, code) => {
    const answer = await callAdmin(bob, method, path, options)

    expect(answer.status).toBe(status)
    expect(answer.body.code).toBe(code)
  })

  it('refuses to accept an offer on the side that sent it, with 422 and the thread unchanged', async () => {
    const [sent] = await acme.engine.threads({ protocol: ISSUE_CREDENTIAL, peerDid: bob.did })
    const ping = await acme.engine.ping(bob.did)

    const own = await callAdmin(acme, 'POST', `/credentials/offers/${sent?.thid}/accept`)
    const other = await callAdmin(acme, 'POST', `/credentials/offers/${ping.thid}/accept`)

    expect(own.status).toBe(422)
    expect(own.body.code).toBe('ERR_ENGINE_TRANSITION_ILLEGAL')
    expect((await acme.engine.thread(sent?.thid ?? ''))?.record.state).toBe(sent?.state)
    expect(other.status).toBe(404)
  })

  it('fails parley credential offer with ERR_CLI_INPUT_INVALID for a missing claims file', async () => {
    const cli = await runCli(bobYml, [
      'credential',
      'offer',
      '--to',
      acme.did,
      '--type',
      'KycCredential',
      '--claims',
      '/nonexistent/claims.json',
    ])

    expect(cli.code).toBe(1)
    expect(cli.stderr).toMatch(/^parley: ERR_CLI_INPUT_INVALID: cannot read the claims file/)
  })

  it('describes the credential routes in /openapi.json', async () => {
    const response = await fetch(`${bob.admin?.url()}/openapi.json`)
    const { paths } = (await response.json()) as { paths: Record<string, Record<string, any>> }

    expect(paths['/credentials/offers']?.['post']?.requestBody).toBeDefined()
    expect(Object.keys(paths['/credentials/{hash}'] ?? {}).sort()).toEqual(['delete', 'get'])
  })
})
