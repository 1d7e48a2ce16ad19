import { afterEach, describe, expect, it } from 'vitest'

import { issueCredential } from '../../../../agent/credentials/issue.js'
import type { PlaintextMessage } from '../../../../agent/didcomm/types.js'
import { createIssueCredentialHandler } from '../../../../protocols/issue-credential/3.0/handler.js'
import { ISSUE_CREDENTIAL } from '../../../../protocols/issue-credential/3.0/messages.js'
import { received } from '../../helpers.js'
import { createTestAgent, deliver, sentNames, type TestAgent } from './agents.js'

const KYC = { type: 'KycCredential', claims: { kycLevel: 2, name: 'Alice' } }
const handlers = (agent: Pick<TestAgent, 'veramo' | 'store' | 'config'>) => [
  createIssueCredentialHandler({
    veramo: agent.veramo,
    store: agent.store,
    issuer: agent.config.issuer,
    holder: agent.config.holder,
  }),
]

describe('issue-credential 3.0 between two agents', () => {
  const agents: TestAgent[] = []
  afterEach(async () => {
    for (const agent of agents.splice(0)) await agent.close()
  })

  async function cast(holderConfig: (acme: string) => Record<string, unknown> = () => ({})) {
    const acme = await createTestAgent(
      'acme',
      () => ({ issuer: { offerRules: [{ goalCode: 'kyc', ...KYC }] } }),
      handlers,
    )
    const alice = await createTestAgent('alice', () => holderConfig(acme.did), handlers)
    agents.push(acme, alice)
    return { acme, alice }
  }

  async function threadOf(agent: TestAgent) {
    const [record] = await agent.engine.threads({ protocol: ISSUE_CREDENTIAL })
    return record
  }

  it('runs to done from an offer that the holder accepts automatically, storing the credential', async () => {
    const { acme, alice } = await cast((issuer) => ({ holder: { autoAcceptOffersFrom: [issuer] } }))

    const offer = await acme.engine.startThread({
      protocol: ISSUE_CREDENTIAL,
      peerDid: alice.did,
      event: { type: 'send-offer-credential', params: { detail: KYC } },
    })
    await deliver(acme, alice)
    await deliver(alice, acme)
    await deliver(acme, alice)
    await deliver(alice, acme)

    const [stored] = await alice.store.list()
    expect((await threadOf(acme))?.state).toBe('done')
    expect((await threadOf(alice))?.state).toBe('done')
    expect((await threadOf(alice))?.thid).toBe(offer.thid)
    expect(await sentNames(acme)).toEqual(['offer-credential', 'issue-credential'])
    expect(await sentNames(alice)).toEqual(['request-credential', 'ack'])
    expect(stored?.issuer).toBe(acme.did)
    expect(stored?.subject).toBe(alice.did)
    expect(stored?.claims).toEqual({ kycLevel: 2, name: 'Alice' })
  })

  it('runs to done from a proposal, the holder accepting the offer by command', async () => {
    const { acme, alice } = await cast()

    const proposal = await alice.engine.startThread({
      protocol: ISSUE_CREDENTIAL,
      peerDid: acme.did,
      event: { type: 'send-propose-credential', params: { detail: KYC } },
    })
    await deliver(alice, acme)
    await acme.engine.act(proposal.thid, { type: 'send-offer-credential' })
    await deliver(acme, alice)
    const waiting = await threadOf(alice)
    await alice.engine.act(proposal.thid, { type: 'send-request-credential' })
    await deliver(alice, acme)
    await deliver(acme, alice)
    await deliver(alice, acme)

    expect(waiting?.state).toBe('offer-received')
    expect((await threadOf(acme))?.state).toBe('done')
    expect((await threadOf(alice))?.state).toBe('done')
    expect(await sentNames(alice)).toEqual(['propose-credential', 'request-credential', 'ack'])
    expect((await alice.store.list()).length).toBe(1)
  })

  it('runs to done after a counter-proposal answering an offer', async () => {
    const { acme, alice } = await cast()
    const lower = { type: 'KycCredential', claims: { kycLevel: 1, name: 'Alice' } }

    const offer = await acme.engine.startThread({
      protocol: ISSUE_CREDENTIAL,
      peerDid: alice.did,
      event: { type: 'send-offer-credential', params: { detail: KYC } },
    })
    await deliver(acme, alice)
    await alice.engine.act(offer.thid, {
      type: 'send-propose-credential',
      params: { detail: lower },
    })
    await deliver(alice, acme)
    const countered = await threadOf(acme)
    await acme.engine.act(offer.thid, { type: 'send-offer-credential', params: { detail: lower } })
    await deliver(acme, alice)
    await alice.engine.act(offer.thid, { type: 'send-request-credential' })
    await deliver(alice, acme)
    await deliver(acme, alice)
    await deliver(alice, acme)

    expect(countered?.state).toBe('proposal-received')
    expect((await threadOf(alice))?.state).toBe('done')
    expect((await alice.store.list()).map((credential) => credential.claims)).toEqual([
      { kycLevel: 1, name: 'Alice' },
    ])
  })

  it('runs to done from a request for a credential the issuer offers to any peer', async () => {
    const { acme, alice } = await cast()

    await alice.engine.startThread({
      protocol: ISSUE_CREDENTIAL,
      peerDid: acme.did,
      event: { type: 'send-request-credential', params: { detail: KYC } },
    })
    await deliver(alice, acme)
    await deliver(acme, alice)
    await deliver(alice, acme)

    expect((await threadOf(acme))?.state).toBe('done')
    expect((await threadOf(alice))?.state).toBe('done')
    expect((await alice.store.list()).length).toBe(1)
  })

  it('declines a request for a credential the issuer does not offer, abandoning both sides', async () => {
    const { acme, alice } = await cast()

    await alice.engine.startThread({
      protocol: ISSUE_CREDENTIAL,
      peerDid: acme.did,
      event: {
        type: 'send-request-credential',
        params: { detail: { type: 'KycCredential', claims: { kycLevel: 3 } } },
      },
    })
    await deliver(alice, acme)
    await deliver(acme, alice)

    const [report] = (await acme.outbox.messages()).slice(-1)
    expect(report?.body).toEqual({
      code: 'e.p.req.declined',
      comment: 'the request does not match a credential this issuer offers',
    })
    expect((await threadOf(acme))?.state).toBe('abandoned')
    expect((await threadOf(alice))?.state).toBe('abandoned')
    expect(await alice.store.list()).toEqual([])
  })

  describe('refusing a received credential', () => {
    async function untilIssued() {
      const { acme, alice } = await cast((issuer) => ({
        holder: { autoAcceptOffersFrom: [issuer] },
      }))
      const mallory = await createTestAgent('mallory', () => ({}), handlers)
      agents.push(mallory)
      await acme.engine.startThread({
        protocol: ISSUE_CREDENTIAL,
        peerDid: alice.did,
        event: { type: 'send-offer-credential', params: { detail: KYC } },
      })
      await deliver(acme, alice)
      await deliver(alice, acme)
      const issued = (await acme.outbox.messages()).at(-1) as PlaintextMessage
      return { acme, alice, mallory, issued }
    }

    function withJwt(message: PlaintextMessage, jwt: string): PlaintextMessage {
      const [attachment] = message.attachments ?? []
      return {
        ...message,
        id: `${message.id}-altered`,
        attachments: [{ ...attachment, data: { base64: Buffer.from(jwt).toString('base64url') } }],
      }
    }

    it('refuses a credential signed by a DID other than the sender (a forged issuer)', async () => {
      const { acme, alice, mallory, issued } = await untilIssued()
      const forged = await issueCredential(mallory.veramo, {
        issuer: mallory.did,
        subject: alice.did,
        ...KYC,
      })

      await alice.engine.handle(received(withJwt(issued, forged.jwt), acme.did))

      const [report] = (await alice.outbox.messages()).slice(-1)
      expect(report?.body).toEqual({
        code: 'e.p.trust',
        comment: `${mallory.did} is not a trusted issuer`,
        args: ['ERR_CREDENTIAL_ISSUER_UNTRUSTED'],
      })
      expect((await threadOf(alice))?.state).toBe('abandoned')
      expect(await alice.store.list()).toEqual([])
    })

    it('refuses a tampered JWT', async () => {
      const { acme, alice, issued } = await untilIssued()
      const jwt = Buffer.from(issued.attachments?.[0]?.data.base64 ?? '', 'base64url').toString()
      const [header, payload, signature] = jwt.split('.')
      const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString())
      claims.vc.credentialSubject.kycLevel = 3
      const tampered = [
        header,
        Buffer.from(JSON.stringify(claims)).toString('base64url'),
        signature,
      ]

      await alice.engine.handle(received(withJwt(issued, tampered.join('.')), acme.did))

      const [report] = (await alice.outbox.messages()).slice(-1)
      expect(report?.body['code']).toBe('e.p.trust.crypto')
      expect(report?.body['args']).toEqual(['ERR_CREDENTIAL_SIGNATURE_INVALID'])
      expect(await alice.store.list()).toEqual([])
    })

    it('changes nothing when the issue-credential message is replayed', async () => {
      const { acme, alice, issued } = await untilIssued()

      await alice.engine.handle(received(issued, acme.did))
      await alice.engine.handle(received(issued, acme.did))
      await alice.engine.handle(received({ ...issued, id: `${issued.id}-again` }, acme.did))

      const [report] = (await alice.outbox.messages()).slice(-1)
      expect(report?.body['code']).toBe('e.m.msg.unexpected')
      expect((await threadOf(alice))?.state).toBe('done')
      expect((await alice.store.list()).length).toBe(1)
    })
  })
})
