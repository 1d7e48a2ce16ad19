import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { ParleyAgent } from '../../../../agent/agent.js'
import { issueCredential } from '../../../../agent/credentials/issue.js'
import { buildPresentation } from '../../../../agent/presentation/build.js'
import type { PresentationDefinition } from '../../../../agent/presentation/definition.js'
import { requestPresentationEvent } from '../../../../protocols/present-proof/3.0/handler.js'
import { PRESENT_PROOF } from '../../../../protocols/present-proof/3.0/messages.js'
import type { PresentProofData } from '../../../../protocols/present-proof/3.0/protocol.js'
import { createNetwork, startAgent, type TestNetwork } from '../../../helpers/network.js'

const DEFINITION_FILE = join(
  import.meta.dirname,
  '../../../../examples/verifier/kyc-age-definition.json',
)
const DEFINITION = JSON.parse(readFileSync(DEFINITION_FILE, 'utf8')) as PresentationDefinition
const CLAIMS = { kycLevel: 2, birthDate: '1990-04-01' }

describe('present-proof 3.0 over mutual TLS: a credential whose subject is someone else', () => {
  let network: TestNetwork
  let acme: ParleyAgent
  let alice: ParleyAgent
  let bob: ParleyAgent
  let faber: ParleyAgent

  beforeAll(async () => {
    // Key generation, migrations and four TLS servers: slow on a loaded machine.
    network = await createNetwork()
    acme = await startAgent(network, 'acme')
    alice = await startAgent(network, 'alice')
    bob = await startAgent(network, 'bob')
    faber = await startAgent(network, 'faber', {
      config: {
        verifier: {
          policies: [
            {
              resource: 'members',
              definition: DEFINITION_FILE,
              trustedIssuers: [acme.did],
              conditions: [{ claim: 'birthDate', op: 'ageAtLeast', value: 18 }],
              grantTtlSeconds: 600,
            },
          ],
        },
      },
    })
  }, 180_000)
  afterAll(() => network.close())

  it('refuses it with a problem report, a denial and an audit entry, granting nothing', async () => {
    // Bob's genuine credential, from the trusted issuer, in the hands of alice.
    const bobs = await issueCredential(acme.veramo, {
      issuer: acme.did,
      subject: bob.did,
      type: 'KycCredential',
      claims: CLAIMS,
    })
    const requested = alice.events.waitFor(
      'thread.state-changed',
      ({ record }) => record.protocol === PRESENT_PROOF && record.state === 'request-received',
    )
    const thread = await faber.engine.startThread({
      protocol: PRESENT_PROOF,
      peerDid: alice.did,
      event: requestPresentationEvent({
        definition: DEFINITION,
        trustedIssuers: [acme.did],
        domain: faber.did,
        resource: 'members',
      }),
    })
    const request = ((await requested).record.data as PresentProofData).request
    const reported = alice.events.waitFor('problem-report.received', (p) => p.thid === thread.thid)

    // Alice signs a presentation of it herself, binding faber's challenge and domain.
    const presentation = await buildPresentation(alice.veramo, {
      holder: alice.did,
      definition: DEFINITION,
      credentials: [bobs],
      challenge: request?.challenge ?? '',
      domain: request?.domain ?? '',
    })
    await alice.engine.act(thread.thid, {
      type: 'send-presentation',
      params: {
        jwt: presentation.jwt,
        presented: { definitionId: DEFINITION.id, credentials: [] },
      },
    })

    const verifier = await faber.engine.waitForFinal(thread.thid)
    const report = await reported
    const prover = await alice.engine.waitForFinal(thread.thid)
    const data = verifier.data as PresentProofData
    const audited = await faber.audit.list({ kind: 'policy.decision' })

    expect(report.code).toBe('e.p.trust')
    expect(verifier.state).toBe('abandoned')
    expect(prover.state).toBe('abandoned')
    expect(data.rejected?.code).toBe('ERR_CREDENTIAL_SUBJECT_MISMATCH')
    expect(data.checks?.filter((check) => !check.passed).map((check) => check.code)).toEqual([
      'ERR_CREDENTIAL_SUBJECT_MISMATCH',
    ])
    expect(data.decision?.result).toBe('deny')
    expect(audited.map((entry) => entry.data)).toEqual([
      expect.objectContaining({
        decisionId: data.decision?.id,
        peerDid: alice.did,
        resource: 'members',
        result: 'deny',
        thid: thread.thid,
      }),
    ])
    expect(await faber.grants.list(alice.did)).toEqual([])
    expect(await faber.grants.list(bob.did)).toEqual([])
  })
})
