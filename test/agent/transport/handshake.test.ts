import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { tempDir } from '../../helpers/tmp.js'
import { openWs, post } from './clients.js'
import { makeActor, startAgent, until, writePki, type Pki, type TestAgent } from './fixtures.js'

const REFUSED = [
  {
    case: 'no client certificate',
    cert: undefined,
    reason: 'ERR_SSL_PEER_DID_NOT_RETURN_A_CERTIFICATE',
  },
  {
    case: 'a certificate from another CA',
    cert: 'stranger',
    reason: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  },
  { case: 'an expired certificate', cert: 'expired', reason: 'CERT_HAS_EXPIRED' },
  {
    case: 'a certificate without client-auth usage',
    cert: 'server-only',
    reason: 'INVALID_PURPOSE',
  },
]

describe('the mutual TLS handshake', () => {
  const temp = tempDir()
  const alice = makeActor('alice')
  const bob = makeActor('bob')
  let pki: Pki
  let agent: TestAgent

  beforeAll(async () => {
    pki = await writePki(temp.dir)
    agent = await startAgent({ dir: temp.dir, pki, actor: bob, docs: [alice.doc, bob.doc] })
  })

  afterAll(async () => {
    await agent.stop()
    temp.cleanup()
  })

  for (const refused of REFUSED) {
    it(`refuses over HTTPS ${refused.case}, and audits it`, async () => {
      const before = (await agent.audit.list()).length

      const outcome = await post(agent.httpsUri(), pki, refused.cert)

      expect(typeof outcome).toBe('string')
      await until(async () => (await agent.audit.list({ afterSeq: before })).length > 0)
      const entries = await agent.audit.list({ afterSeq: before })
      expect(entries.map((e) => [e.kind, e.data['reason'], e.data['remoteAddress']])).toEqual([
        ['tls.handshake_refused', refused.reason, '127.0.0.1'],
      ])
    })

    it(`refuses over WSS ${refused.case}, and audits it`, async () => {
      const before = (await agent.audit.list()).length

      const outcome = await openWs(agent.wssUri(), pki, refused.cert)

      expect(outcome).not.toBe('open')
      await until(async () => (await agent.audit.list({ afterSeq: before })).length > 0)
      const entries = await agent.audit.list({ afterSeq: before })
      expect(entries.map((e) => [e.kind, e.data['reason']])).toEqual([
        ['tls.handshake_refused', refused.reason],
      ])
    })
  }

  it('accepts a valid certificate over HTTPS (the request reaches the media-type check)', async () => {
    expect(await post(agent.httpsUri(), pki, 'alice')).toBe(415)
  })

  it('accepts a valid certificate over WSS', async () => {
    expect(await openWs(agent.wssUri(), pki, 'alice')).toBe('open')
  })
})
