import { request } from 'node:https'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ParleyAgent } from '../../../agent/agent.js'
import { issueCertificate, type PemPair } from '../../../agent/pki/dev-pki.js'
import { ISSUE_CREDENTIAL } from '../../../protocols/issue-credential/3.0/messages.js'
import { PRESENT_PROOF } from '../../../protocols/present-proof/3.0/messages.js'
import { callAdmin, runCli, writeAgentYml } from '../../helpers/admin.js'
import { createNetwork, freePort, startAgent, type TestNetwork } from '../../helpers/network.js'

const DEFINITION = join(import.meta.dirname, '../../../examples/verifier/kyc-age-definition.json')
const KYC = { type: 'KycCredential', claims: { kycLevel: 2, birthDate: '1990-04-01' } }
const CONTENT = { area: 'members', welcome: 'Verified adults only' }

/** GET /resources/<name> on an agent's mutual-TLS server with a client certificate. */
function getResource(
  agent: ParleyAgent,
  name: string,
  client: PemPair,
  ca: string,
): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: 'localhost',
        port: agent.server?.address().port,
        path: `/resources/${name}`,
        cert: client.cert,
        key: client.key,
        ca,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = []
        res.on('data', (chunk: Buffer) => chunks.push(chunk))
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: JSON.parse(Buffer.concat(chunks).toString('utf8')),
          }),
        )
      },
    )
    req.on('error', reject)
    req.end()
  })
}

describe('access decided from verified claims, enforced on the mutual-TLS server', () => {
  let network: TestNetwork
  let acme: ParleyAgent
  let alice: ParleyAgent
  let faber: ParleyAgent
  let faberYml: string
  let aliceYml: string
  let proofThid: string

  const aliceCertificate = (): PemPair => {
    const home = alice.loaded.configDir
    return {
      cert: readFileSync(join(home, 'agent.crt'), 'utf8'),
      key: readFileSync(join(home, 'agent.key'), 'utf8'),
    }
  }

  beforeAll(async () => {
    // Key generation, migrations and three TLS servers: slow on a loaded two-core machine.
    network = await createNetwork()
    acme = await startAgent(network, 'acme')
    alice = await startAgent(network, 'alice', {
      config: {
        admin: { enabled: true, port: await freePort() },
        holder: { autoAcceptOffersFrom: [acme.did] },
      },
    })
    faber = await startAgent(network, 'faber', {
      config: {
        admin: { enabled: true, port: await freePort() },
        verifier: {
          policies: [
            {
              resource: 'members',
              definition: DEFINITION,
              trustedIssuers: [acme.did],
              conditions: [
                { claim: 'kycLevel', op: 'gte', value: 2 },
                { claim: 'birthDate', op: 'ageAtLeast', value: 18 },
              ],
              grantTtlSeconds: 600,
              content: CONTENT,
            },
          ],
        },
      },
    })
    faberYml = writeAgentYml(faber)
    aliceYml = writeAgentYml(alice)

    const issued = alice.events.waitFor(
      'thread.state-changed',
      ({ record }) => record.protocol === ISSUE_CREDENTIAL && record.state === 'done',
    )
    await acme.engine.startThread({
      protocol: ISSUE_CREDENTIAL,
      peerDid: alice.did,
      event: { type: 'send-offer-credential', params: { detail: KYC } },
    })
    await issued
    // A grant won two hours ago that lasted one hour.
    await faber.grants.create({
      peerDid: 'did:example:late',
      resource: 'members',
      decisionId: 'decision-of-the-past',
      rule: 'members: test',
      credentials: [],
      grantedAt: new Date(Date.now() - 7200_000),
      expiresAt: new Date(Date.now() - 3600_000),
    })
  }, 180_000)
  afterAll(() => network.close())

  it('runs the exchange from the CLI: request, accept, every check passed, access granted', async () => {
    const requested = alice.events.waitFor(
      'thread.state-changed',
      ({ record }) => record.protocol === PRESENT_PROOF && record.state === 'request-received',
    )
    const request = await runCli(faberYml, [
      'proof',
      'request',
      '--to',
      alice.did,
      '--definition',
      DEFINITION,
      '--no-wait',
    ])
    const sent = JSON.parse(request.stdout) as { thid: string; state: string }
    await requested
    proofThid = sent.thid

    const accepted = await runCli(aliceYml, ['proof', 'accept', sent.thid, '--timeout', '60'])
    const verified = await faber.engine.waitForFinal(sent.thid)
    const checks = verified.data['checks'] as { passed: boolean }[]

    expect(request.stderr).toBe('')
    expect(sent.state).toBe('request-sent')
    expect(accepted.stderr).toBe('')
    expect(JSON.parse(accepted.stdout).state).toBe('done')
    expect(verified.state).toBe('done')
    expect(verified.data['resource']).toBe('members')
    expect(checks.length).toBeGreaterThan(0)
    expect(checks.filter((check) => !check.passed)).toEqual([])
    expect(verified.data['decision']).toMatchObject({ result: 'permit' })
  })

  it('shows the thread with its checks through GET /proofs/{thid} and lists it', async () => {
    const shown = await callAdmin(faber, 'GET', `/proofs/${proofThid}`)
    const listed = await runCli(faberYml, ['proof', 'list', '--state', 'done'])

    expect(shown.status).toBe(200)
    expect(shown.body.record.data.checks.length).toBeGreaterThan(0)
    expect(shown.body.messages.length).toBeGreaterThan(0)
    expect((JSON.parse(listed.stdout) as { thid: string }[]).map((r) => r.thid)).toEqual([
      proofThid,
    ])
  })

  it('answers parley access check from the grant the decision made, exit code 2 without one', async () => {
    const allowed = await runCli(faberYml, [
      'access',
      'check',
      '--did',
      alice.did,
      '--resource',
      'members',
    ])
    const denied = await runCli(faberYml, [
      'access',
      'check',
      '--did',
      acme.did,
      '--resource',
      'members',
    ])

    expect(allowed.code).toBe(0)
    expect(JSON.parse(allowed.stdout)).toMatchObject({ did: alice.did, allowed: true })
    expect(denied.code).toBe(2)
    expect(JSON.parse(denied.stdout)).toEqual({
      did: acme.did,
      resource: 'members',
      allowed: false,
    })
  })

  it('serves the resource to the certificate bound to the granted DID, audited', async () => {
    const answer = await getResource(faber, 'members', aliceCertificate(), network.ca.cert)
    const served = await faber.audit.list({ kind: 'resource.served' })

    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ resource: 'members', content: CONTENT })
    expect(served.map((entry) => entry.data['peer'])).toEqual([alice.did])
  })

  it.each([
    [
      'a certificate bound to another DID',
      'did:example:mallory',
      'members',
      403,
      'ERR_RESOURCE_NO_GRANT',
    ],
    ['a grant that has expired', 'did:example:late', 'members', 403, 'ERR_RESOURCE_GRANT_EXPIRED'],
    ['a certificate naming no DID', undefined, 'members', 403, 'ERR_RESOURCE_NO_DID'],
    ['a resource no policy protects', 'did:example:late', 'vault', 404, 'ERR_RESOURCE_NOT_FOUND'],
  ])('refuses %s, coded and audited', async (_case, did, resource, status, code) => {
    const client = await issueCertificate(network.ca, {
      commonName: 'client',
      ...(did === undefined ? {} : { did }),
    })

    const answer = await getResource(faber, resource, client, network.ca.cert)
    const [audited] = (await faber.audit.list({ kind: 'resource.refused' })).slice(-1)

    expect(answer.status).toBe(status)
    expect(answer.body.code).toBe(code)
    expect(audited?.data).toMatchObject({ code, resource, status })
    expect(audited?.data['peer']).toBe(did)
  })

  it('refuses the certificate of a known agent that holds no grant', async () => {
    const home = acme.loaded.configDir
    const acmeCertificate = {
      cert: readFileSync(join(home, 'agent.crt'), 'utf8'),
      key: readFileSync(join(home, 'agent.key'), 'utf8'),
    }

    const answer = await getResource(faber, 'members', acmeCertificate, network.ca.cert)

    expect(answer.status).toBe(403)
    expect(answer.body.code).toBe('ERR_RESOURCE_NO_GRANT')
  })

  it.each([
    [
      'no token',
      'POST',
      '/proofs/requests',
      { token: null, body: {} },
      401,
      'ERR_ADMIN_UNAUTHORIZED',
    ],
    [
      'no prover',
      'POST',
      '/proofs/requests',
      { body: { resource: 'members' } },
      400,
      'ERR_ADMIN_BAD_REQUEST',
    ],
    [
      'an invalid definition',
      'POST',
      '/proofs/requests',
      { body: { to: 'did:example:x', definition: { id: 'x' } } },
      400,
      'ERR_ADMIN_BAD_REQUEST',
    ],
    [
      'an unprotected resource',
      'POST',
      '/proofs/requests',
      { body: { to: 'did:example:x', resource: 'vault' } },
      400,
      'ERR_ADMIN_BAD_REQUEST',
    ],
    [
      'a definition other than the resource policy uses',
      'POST',
      '/proofs/requests',
      {
        body: {
          to: 'did:example:x',
          resource: 'members',
          definition: { id: 'other', input_descriptors: [{ id: 'a', constraints: {} }] },
        },
      },
      400,
      'ERR_ADMIN_BAD_REQUEST',
    ],
    [
      'an unknown thread to accept',
      'POST',
      '/proofs/requests/no-such-thread/accept',
      {},
      404,
      'ERR_ADMIN_NOT_FOUND',
    ],
    ['an unknown thread to show', 'GET', '/proofs/no-such-thread', {}, 404, 'ERR_ADMIN_NOT_FOUND'],
    [
      'an access check without a DID',
      'GET',
      '/access/check?resource=members',
      {},
      400,
      'ERR_ADMIN_BAD_REQUEST',
    ],
    [
      'an access check of an unprotected resource',
      'GET',
      '/access/check?did=did:example:x&resource=vault',
      {},
      404,
      'ERR_POLICY_NOT_FOUND',
    ],
  ] as const)('refuses a request with %s', async (_case, method, path, options, status, code) => {
    const answer = await callAdmin(faber, method, path, options)

    expect(answer.status).toBe(status)
    expect(answer.body.code).toBe(code)
  })
})
