import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { createAuditLog } from '../../../../agent/audit/log.js'
import { issueCredential } from '../../../../agent/credentials/issue.js'
import { verifyCredential } from '../../../../agent/credentials/verify.js'
import { PolicyDecisionPoint } from '../../../../agent/policy/decide.js'
import { GrantStore } from '../../../../agent/policy/grants.js'
import { loadPolicies, type Policy } from '../../../../agent/policy/policies.js'
import type { PlaintextMessage } from '../../../../agent/didcomm/types.js'
import {
  createPresentProofHandler,
  requestPresentationEvent,
} from '../../../../protocols/present-proof/3.0/handler.js'
import { PRESENT_PROOF } from '../../../../protocols/present-proof/3.0/messages.js'
import type { PresentProofData } from '../../../../protocols/present-proof/3.0/protocol.js'
import { tempDir } from '../../../helpers/tmp.js'
import { received } from '../../helpers.js'
import {
  createTestAgent,
  deliver,
  sentNames,
  type TestAgent,
} from '../../issue-credential/3.0/agents.js'

const DEFINITION = {
  id: 'adult-kyc',
  input_descriptors: [
    {
      id: 'kyc',
      constraints: {
        fields: [
          { path: ['$.type'], filter: { type: 'array', contains: { const: 'KycCredential' } } },
        ],
      },
    },
  ],
}

describe('present-proof 3.0 between a verifier and a prover', () => {
  const open: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const close of open.splice(0)) await close()
  })

  async function setUp(options: { autoPresent?: boolean } = {}) {
    const { dir, cleanup } = tempDir('parley-pp-')
    open.push(cleanup)
    writeFileSync(join(dir, 'adult-kyc.json'), JSON.stringify(DEFINITION))
    const acme = await createTestAgent(
      'acme',
      () => ({}),
      () => [],
    )
    let policies: Policy[] = []
    let pdp: PolicyDecisionPoint | undefined
    const faber = await createTestAgent(
      'faber',
      () => ({}),
      (agent) => {
        policies = loadPolicies(
          [
            {
              resource: 'wine-shop',
              definition: 'adult-kyc.json',
              trustedIssuers: [acme.did],
              conditions: [{ claim: 'birthDate', op: 'ageAtLeast', value: 18 }],
              grantTtlSeconds: 600,
            },
          ],
          (path) => join(dir, path),
        )
        pdp = new PolicyDecisionPoint({
          dataSource: agent.dataSource,
          audit: createAuditLog({ dataSource: agent.dataSource }),
        })
        return [createPresentProofHandler({ ...agent, holder: agent.config.holder, policies, pdp })]
      },
    )
    const alice = await createTestAgent(
      'alice',
      () => ({ holder: { autoPresentTo: options.autoPresent === false ? [] : ['*'] } }),
      (agent) => [createPresentProofHandler({ ...agent, holder: agent.config.holder })],
    )
    open.push(
      () => acme.close(),
      () => faber.close(),
      () => alice.close(),
    )
    return {
      acme,
      faber,
      alice,
      policy: policies[0] as Policy,
      grants: new GrantStore(faber.dataSource),
    }
  }

  async function hold(
    holder: TestAgent,
    issuer: TestAgent,
    claims: Record<string, unknown>,
    expiry?: Date,
  ) {
    const now = new Date(holder.clock.now)
    const issued = await issueCredential(issuer.veramo, {
      issuer: issuer.did,
      subject: holder.did,
      type: 'KycCredential',
      claims,
      now: new Date(now.getTime() - 24 * 3600 * 1000),
      ...(expiry === undefined ? {} : { expirationDate: expiry }),
    })
    const verified = await verifyCredential(holder.veramo, issued.jwt, {
      holder: holder.did,
      sender: issuer.did,
      trustedIssuers: [],
      now,
    })
    await holder.store.save(verified)
  }

  async function request(faber: TestAgent, alice: TestAgent, policy: Policy) {
    return faber.engine.startThread({
      protocol: PRESENT_PROOF,
      peerDid: alice.did,
      event: requestPresentationEvent({
        definition: policy.definition,
        trustedIssuers: policy.trustedIssuers,
        domain: faber.did,
        resource: policy.resource,
      }),
    })
  }

  async function decisionsAudited(verifier: TestAgent) {
    const entries = await createAuditLog({ dataSource: verifier.dataSource }).list({
      kind: 'policy.decision',
    })
    return entries.map((entry) => entry.data)
  }

  async function threadOf(agent: TestAgent) {
    const [record] = await agent.engine.threads({ protocol: PRESENT_PROOF })
    return record as (typeof record & { data: PresentProofData }) | undefined
  }

  it('runs the full exchange: request, presentation, verification, decision and grant', async () => {
    const { acme, faber, alice, policy, grants } = await setUp()
    await hold(alice, acme, { birthDate: '2000-01-01' })

    const thread = await request(faber, alice, policy)
    await deliver(faber, alice)
    await deliver(alice, faber)
    await deliver(faber, alice)

    const verifier = await threadOf(faber)
    const now = new Date(faber.clock.now)
    expect(verifier?.state).toBe('done')
    expect((await threadOf(alice))?.state).toBe('done')
    expect(await sentNames(faber)).toEqual(['request-presentation', 'ack'])
    expect(await sentNames(alice)).toEqual(['presentation'])
    expect(verifier?.data.checks?.every((check) => check.passed)).toBe(true)
    expect(verifier?.data.checks?.length).toBe(11)
    expect(verifier?.data.decision?.result).toBe('permit')
    expect((await grants.checkAccess(alice.did, 'wine-shop', now))?.decisionId).toBe(
      verifier?.data.decision?.id,
    )
    expect(
      await grants.checkAccess(alice.did, 'wine-shop', new Date(now.getTime() + 600_000)),
    ).toBe(undefined)
    expect((await threadOf(alice))?.thid).toBe(thread.thid)
  })

  async function refusedWith(
    prepare: (actors: Awaited<ReturnType<typeof setUp>>) => Promise<void>,
  ): Promise<{
    report?: PlaintextMessage
    verifier?: Awaited<ReturnType<typeof threadOf>>
    granted: boolean
    audited: Record<string, unknown>[]
  }> {
    const actors = await setUp()
    await prepare(actors)
    const { faber, alice, policy, grants } = actors
    await request(faber, alice, policy)
    await deliver(faber, alice)
    await deliver(alice, faber)
    const report = (await faber.outbox.messages()).at(-1)
    const granted =
      (await grants.checkAccess(alice.did, 'wine-shop', new Date(faber.clock.now))) !== undefined
    return {
      ...(report === undefined ? {} : { report }),
      verifier: await threadOf(faber),
      granted,
      audited: await decisionsAudited(faber),
    }
  }

  it.each([
    [
      'a credential from an untrusted issuer',
      async ({ alice }: Awaited<ReturnType<typeof setUp>>) => {
        const mallory = await createTestAgent(
          'mallory',
          () => ({}),
          () => [],
        )
        open.push(() => mallory.close())
        await hold(alice, mallory, { birthDate: '2000-01-01' })
      },
      'e.p.trust',
      'ERR_CREDENTIAL_ISSUER_UNTRUSTED',
    ],
    [
      'an expired credential',
      async ({ acme, alice }: Awaited<ReturnType<typeof setUp>>) => {
        const verifierNow = alice.clock.now
        alice.clock.now -= 2000
        await hold(alice, acme, { birthDate: '2000-01-01' }, new Date(verifierNow - 1000))
      },
      'e.p.trust',
      'ERR_CREDENTIAL_EXPIRED',
    ],
    [
      'claims that do not meet the policy',
      async ({ acme, alice }: Awaited<ReturnType<typeof setUp>>) => {
        await hold(alice, acme, { birthDate: '2015-01-01' })
      },
      'e.p.trust.policy',
      'ERR_POLICY_ACCESS_DENIED',
    ],
  ])(
    'refuses %s with a problem report, an audited denial and no grant',
    async (_case, prepare, problemCode, code) => {
      const { report, verifier, granted, audited } = await refusedWith(prepare)

      expect(report?.type).toBe('https://didcomm.org/report-problem/2.0/problem-report')
      expect(report?.body['code']).toBe(problemCode)
      expect(report?.body['args']).toEqual([code])
      expect(verifier?.state).toBe('abandoned')
      expect(verifier?.data.rejected?.code).toBe(code)
      expect(verifier?.data.decision?.result).toBe('deny')
      expect(audited).toEqual([
        expect.objectContaining({ decisionId: verifier?.data.decision?.id, result: 'deny' }),
      ])
      expect(granted).toBe(false)
    },
  )

  it('refuses a presentation replayed into a new request (an old challenge), reported and audited', async () => {
    const { acme, faber, alice, policy, grants } = await setUp()
    await hold(alice, acme, { birthDate: '2000-01-01' })
    await request(faber, alice, policy)
    await deliver(faber, alice)
    await deliver(alice, faber)
    const [, old] = (await alice.outbox.messages()).map((m) => m) as [
      PlaintextMessage,
      PlaintextMessage?,
    ]
    const first = (await alice.outbox.messages())[0] as PlaintextMessage

    const second = await request(faber, alice, policy)
    await faber.engine.handle(
      received({ ...first, id: 'replayed-1', thid: second.thid }, alice.did),
    )

    const [record] = await faber.engine.threads({ protocol: PRESENT_PROOF, state: 'abandoned' })
    const data = record?.data as PresentProofData
    expect(data.rejected?.code).toBe('ERR_PRESENTATION_CHALLENGE_MISMATCH')
    expect(data.checks?.filter((check) => !check.passed).map((check) => check.check)).toEqual([
      'presentation.challenge',
    ])
    const report = (await faber.outbox.messages()).at(-1)
    expect(report?.body['args']).toEqual(['ERR_PRESENTATION_CHALLENGE_MISMATCH'])
    expect(report?.pthid).toBe(second.thid)
    expect((await decisionsAudited(faber)).map((entry) => entry['result'])).toEqual([
      'permit',
      'deny',
    ])
    expect((await grants.list(alice.did)).length).toBe(1)
  })

  it('declines a request the prover cannot satisfy', async () => {
    const { faber, alice, policy } = await setUp()

    await request(faber, alice, policy)
    await deliver(faber, alice)
    await deliver(alice, faber)

    expect((await threadOf(alice))?.state).toBe('abandoned')
    expect((await threadOf(faber))?.state).toBe('abandoned')
    expect((await faber.outbox.messages()).length).toBe(1)
  })

  it('waits for the prover to accept when the verifier is not in autoPresentTo, and starts from a proposal', async () => {
    const { acme, faber, alice, policy } = await setUp({ autoPresent: false })
    await hold(alice, acme, { birthDate: '2000-01-01' })

    const proposal = await alice.engine.startThread({
      protocol: PRESENT_PROOF,
      peerDid: faber.did,
      event: { type: 'send-propose-presentation', params: { comment: 'wine' } },
    })
    await deliver(alice, faber)
    await faber.engine.act(
      proposal.thid,
      requestPresentationEvent({
        definition: policy.definition,
        trustedIssuers: policy.trustedIssuers,
        domain: faber.did,
        resource: policy.resource,
      }),
    )
    await deliver(faber, alice)
    const waiting = await threadOf(alice)

    expect((await threadOf(faber))?.state).toBe('request-sent')
    expect(waiting?.state).toBe('request-received')
    expect(await sentNames(alice)).toEqual(['propose-presentation'])
  })
})
