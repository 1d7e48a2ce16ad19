import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createAuditLog, type AuditLog } from '../../../agent/audit/log.js'
import { issueCredential } from '../../../agent/credentials/issue.js'
import { verifyCredential } from '../../../agent/credentials/verify.js'
import { PolicyDecisionPoint, type PolicyAuditSink } from '../../../agent/policy/decide.js'
import { GrantStore } from '../../../agent/policy/grants.js'
import { loadPolicies, policyFor, type Policy } from '../../../agent/policy/policies.js'
import { buildPresentation } from '../../../agent/presentation/build.js'
import { verifyPresentation } from '../../../agent/presentation/verify.js'
import { tempDir } from '../../helpers/tmp.js'
import { createCast, type Actor, type Cast } from '../credentials/actors.js'

const NOW = new Date('2026-06-01T12:00:00Z')
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

describe('the policy decision point', () => {
  let cast: Cast<'acme' | 'mallory' | 'alice' | 'bob' | 'faber'>
  let policy: Policy
  let audit: AuditLog
  let pdp: PolicyDecisionPoint
  let grants: GrantStore
  let cleanup: () => void

  async function presentation(holder: Actor, issuer: Actor, claims: Record<string, unknown>) {
    const issued = await issueCredential(issuer.veramo, {
      issuer: issuer.did,
      subject: holder.did,
      type: 'KycCredential',
      claims,
      now: new Date('2026-01-01T00:00:00Z'),
    })
    const held = await verifyCredential(holder.veramo, issued.jwt, {
      holder: holder.did,
      sender: issuer.did,
      trustedIssuers: [],
      now: NOW,
    })
    const built = await buildPresentation(holder.veramo, {
      holder: holder.did,
      definition: policy.definition,
      credentials: [held],
      challenge: 'challenge-1',
      domain: 'faber.example',
      now: NOW,
    })
    return verifyPresentation(cast.actors.faber.veramo, built.jwt, {
      sender: holder.did,
      challenge: 'challenge-1',
      domain: 'faber.example',
      definition: policy.definition,
      trustedIssuers: policy.trustedIssuers,
      now: NOW,
    })
  }

  beforeAll(async () => {
    cast = await createCast(['acme', 'mallory', 'alice', 'bob', 'faber'])
    const folder = tempDir('parley-policy-')
    cleanup = folder.cleanup
    writeFileSync(join(folder.dir, 'adult-kyc.json'), JSON.stringify(DEFINITION))
    const policies = loadPolicies(
      [
        {
          resource: 'wine-shop',
          definition: 'adult-kyc.json',
          trustedIssuers: [cast.actors.acme.did],
          conditions: [
            { claim: 'birthDate', op: 'ageAtLeast', value: 18 },
            { claim: 'kycLevel', op: 'in', value: [2, 3] },
          ],
          grantTtlSeconds: 600,
        },
      ],
      (path) => join(folder.dir, path),
    )
    policy = policyFor(policies, 'wine-shop')

    const { faber } = cast.actors
    audit = createAuditLog({ dataSource: faber.dataSource })
    pdp = new PolicyDecisionPoint({ dataSource: faber.dataSource, audit })
    grants = new GrantStore(faber.dataSource)
  })
  afterAll(async () => {
    await cast.close()
    cleanup()
  })

  it('permits a peer whose verified claims meet every condition, and grants access until expiry', async () => {
    const { acme, alice } = cast.actors
    const verification = await presentation(alice, acme, { birthDate: '2000-01-01', kycLevel: 2 })

    const decision = await pdp.decide({
      peerDid: alice.did,
      policy,
      verification,
      thid: 'thread-1',
      now: NOW,
    })

    expect(decision.result).toBe('permit')
    expect(decision.rule).toBe(
      'wine-shop (definition adult-kyc): birthDate ageAtLeast 18 and kycLevel in [2,3]',
    )
    expect(decision.credentials.length).toBe(1)
    expect(decision.credentials[0]?.startsWith('sha256:')).toBe(true)
    expect(decision.grant?.expiresAt).toEqual(new Date('2026-06-01T12:10:00Z'))
    expect(
      await grants.checkAccess(alice.did, 'wine-shop', new Date('2026-06-01T12:09:59Z')),
    ).toEqual(decision.grant)
    expect(await grants.checkAccess(alice.did, 'wine-shop', new Date('2026-06-01T12:10:00Z'))).toBe(
      undefined,
    )
    expect(await grants.checkAccess(alice.did, 'other-resource', NOW)).toBe(undefined)
    expect(await grants.checkAccess(cast.actors.bob.did, 'wine-shop', NOW)).toBe(undefined)
    await expect(
      grants.requireAccess(alice.did, 'wine-shop', new Date('2026-06-01T12:10:00Z')),
    ).rejects.toMatchObject({ code: 'ERR_POLICY_ACCESS_DENIED' })
  })

  it('writes the decision to the audit log and the decisions table', async () => {
    const { acme, alice } = cast.actors
    const verification = await presentation(alice, acme, { birthDate: '2000-01-01', kycLevel: 3 })

    const decision = await pdp.decide({ peerDid: alice.did, policy, verification, now: NOW })
    const [entry] = (await audit.list({ kind: 'policy.decision' })).filter(
      (candidate) => candidate.data['decisionId'] === decision.id,
    )
    const stored = (await pdp.decisions({ peerDid: alice.did })).find((d) => d.id === decision.id)

    expect(entry?.kind).toBe('policy.decision')
    expect(entry?.data).toEqual({
      decisionId: decision.id,
      peerDid: alice.did,
      resource: 'wine-shop',
      result: 'permit',
      rule: decision.rule,
      credentials: decision.credentials,
      time: '2026-06-01T12:00:00.000Z',
    })
    const { grant: _grant, ...withoutGrant } = decision
    expect(stored).toEqual(withoutGrant)
  })

  it('denies a peer whose claims do not meet the policy, with a reason and no grant', async () => {
    const { acme, bob } = cast.actors
    const verification = await presentation(bob, acme, { birthDate: '2010-01-01', kycLevel: 2 })

    const decision = await pdp.decide({ peerDid: bob.did, policy, verification, now: NOW })

    expect(decision.result).toBe('deny')
    expect(decision.reason).toBe('no verified credential has birthDate ageAtLeast 18')
    expect(decision.grant).toBe(undefined)
    expect(await grants.checkAccess(bob.did, 'wine-shop', NOW)).toBe(undefined)
  })

  it('denies a presentation that failed verification, naming the failed checks', async () => {
    const { alice, mallory } = cast.actors
    const verification = await presentation(alice, mallory, {
      birthDate: '2000-01-01',
      kycLevel: 3,
    })

    const decision = await pdp.decide({ peerDid: alice.did, policy, verification, now: NOW })

    expect(decision.result).toBe('deny')
    expect(decision.reason).toBe(
      'the presentation failed verification: ERR_CREDENTIAL_ISSUER_UNTRUSTED',
    )
    expect(decision.conditions).toEqual([])
  })

  it('denies a verified presentation made by another peer than the one asking', async () => {
    const { acme, alice, bob } = cast.actors
    const verification = await presentation(alice, acme, { birthDate: '2000-01-01', kycLevel: 3 })

    const decision = await pdp.decide({ peerDid: bob.did, policy, verification, now: NOW })

    expect(decision.result).toBe('deny')
    expect(decision.reason).toBe(`the presentation was made by ${alice.did}, not ${bob.did}`)
  })

  it('refuses claims that only claim to be verified', async () => {
    const { acme, alice } = cast.actors
    const verification = await presentation(alice, acme, { birthDate: '2000-01-01', kycLevel: 3 })
    const copy = JSON.parse(JSON.stringify(verification))

    const deciding = pdp.decide({ peerDid: alice.did, policy, verification: copy, now: NOW })

    await expect(deciding).rejects.toMatchObject({ code: 'ERR_POLICY_UNVERIFIED_CLAIMS' })
  })

  it('grants nothing and stores nothing when the audit sink refuses the entry', async () => {
    const { acme, bob, faber } = cast.actors
    const failing: PolicyAuditSink = { record: async () => Promise.reject(new Error('disk full')) }
    const closed = new PolicyDecisionPoint({ dataSource: faber.dataSource, audit: failing })
    const verification = await presentation(bob, acme, { birthDate: '2000-01-01', kycLevel: 3 })
    const before = await closed.decisions({ peerDid: bob.did })

    const deciding = closed.decide({ peerDid: bob.did, policy, verification, now: NOW })

    await expect(deciding).rejects.toMatchObject({ code: 'ERR_POLICY_AUDIT_FAILED' })
    expect(await closed.decisions({ peerDid: bob.did })).toEqual(before)
    expect(await grants.checkAccess(bob.did, 'wine-shop', NOW)).toBe(undefined)
  })

  it('refuses a resource no policy names', () => {
    expect(() => policyFor([policy], 'casino')).toThrow(
      expect.objectContaining({ code: 'ERR_POLICY_NOT_FOUND' }),
    )
  })

  it('refuses a policy whose definition file is missing', () => {
    const loading = () =>
      loadPolicies(
        [
          {
            resource: 'x',
            definition: 'missing.json',
            trustedIssuers: ['did:example:acme'],
            conditions: [],
            grantTtlSeconds: 60,
          },
        ],
        (path) => join('/nonexistent', path),
      )

    expect(loading).toThrow(expect.objectContaining({ code: 'ERR_POLICY_INVALID' }))
  })
})
