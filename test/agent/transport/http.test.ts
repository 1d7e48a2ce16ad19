import { readFileSync } from 'node:fs'
import { request } from 'node:https'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createCodec } from '../../../agent/didcomm/codec.js'
import { staticDids, staticSecrets } from '../../../agent/didcomm/sources.js'
import type { DidcommCodec } from '../../../agent/didcomm/types.js'
import { InboxEntryEntity } from '../../../storage/inbox-entry.js'
import { tempDir } from '../../helpers/tmp.js'
import {
  makeActor,
  message,
  startAgent,
  until,
  writePki,
  type Pki,
  type TestAgent,
} from './fixtures.js'

interface Answer {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
}

function send(uri: string, pki: Pki, certName: string, type: string, body: string | Buffer) {
  const paths = pki.cert(certName)
  return new Promise<Answer>((resolve, reject) => {
    const req = request(uri, {
      method: 'POST',
      ca: readFileSync(pki.ca),
      cert: readFileSync(paths.cert),
      key: readFileSync(paths.key),
      agent: false,
      headers: { 'content-type': type },
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      )
    })
    req.on('error', reject)
    req.end(body)
  })
}

const ENCRYPTED = 'application/didcomm-encrypted+json'

describe('inbound HTTPS', () => {
  const temp = tempDir()
  const alice = makeActor('alice')
  const bob = makeActor('bob')
  let pki: Pki
  let agent: TestAgent
  let aliceCodec: DidcommCodec

  beforeAll(async () => {
    pki = await writePki(temp.dir)
    agent = await startAgent({
      dir: temp.dir,
      pki,
      actor: bob,
      docs: [alice.doc, bob.doc],
      transport: {
        http: { maxBodyBytes: 64 * 1024, rateLimit: { limit: 12, windowSeconds: 3600 } },
      },
      reply: (received) =>
        received.message.body['content'] === 'ping'
          ? { ...message(bob, alice, { thid: received.message.id }), body: { content: 'pong' } }
          : undefined,
    })
    aliceCodec = createCodec({
      dids: staticDids([alice.doc, bob.doc]),
      secrets: staticSecrets(alice.secrets),
    })
  })

  afterAll(async () => {
    await agent.stop()
    temp.cleanup()
  })

  const inboxCount = () => agent.dataSource.getRepository(InboxEntryEntity).count()
  const lastAudit = async () => (await agent.audit.list()).at(-1)

  it('answers 202 to an authcrypted message, stores it and hands it to the sink', async () => {
    const sent = message(alice, bob)
    const { packed } = await aliceCodec.pack(sent)

    const answer = await send(agent.httpsUri(), pki, 'alice', ENCRYPTED, packed)
    await until(() => agent.received.some((r) => r.message.id === sent.id))

    expect(answer.status).toBe(202)
    const got = agent.received.find((r) => r.message.id === sent.id)
    expect(got?.sender).toBe(alice.did)
    expect(got?.context.certificate?.did).toBe(alice.did)
  })

  it('answers 409 ERR_GUARD_REPLAY to the same message id again and does not process it twice', async () => {
    const sent = message(alice, bob)
    const { packed } = await aliceCodec.pack(sent)
    await send(agent.httpsUri(), pki, 'alice', ENCRYPTED, packed)

    const again = await aliceCodec.pack({ ...sent, id: sent.id.toUpperCase() })
    const answer = await send(agent.httpsUri(), pki, 'alice', ENCRYPTED, again.packed)

    expect(answer.status).toBe(409)
    expect(JSON.parse(answer.body).code).toBe('ERR_GUARD_REPLAY')
    await until(() => agent.received.some((r) => r.message.id === sent.id))
    expect(agent.received.filter((r) => r.message.id.toLowerCase() === sent.id).length).toBe(1)
  })

  it('answers 415 to another media type', async () => {
    const answer = await send(agent.httpsUri(), pki, 'alice', 'application/json', '{}')

    expect(answer.status).toBe(415)
    expect(JSON.parse(answer.body).code).toBe('ERR_TRANSPORT_MEDIA_TYPE')
    expect((await lastAudit())?.data['code']).toBe('ERR_TRANSPORT_MEDIA_TYPE')
  })

  it('answers 415 to plaintext where agent.yml does not allow it', async () => {
    const answer = await send(
      agent.httpsUri(),
      pki,
      'alice',
      'application/didcomm-plain+json',
      '{}',
    )

    expect(answer.status).toBe(415)
  })

  it('answers 413 above the size limit', async () => {
    const answer = await send(
      agent.httpsUri(),
      pki,
      'alice',
      ENCRYPTED,
      Buffer.alloc(65 * 1024, 0x61),
    )

    expect(answer.status).toBe(413)
    expect(JSON.parse(answer.body).code).toBe('ERR_TRANSPORT_TOO_LARGE')
    expect((await lastAudit())?.data['status']).toBe(413)
  })

  it('answers 400 with a code to a malformed envelope and stores nothing', async () => {
    const before = await inboxCount()

    const answer = await send(agent.httpsUri(), pki, 'alice', ENCRYPTED, '{"protected":"x"}')

    expect(answer.status).toBe(400)
    expect(JSON.parse(answer.body).code).toBe('ERR_TRANSPORT_MALFORMED')
    expect(await inboxCount()).toBe(before)
    expect((await lastAudit())?.data['code']).toBe('ERR_TRANSPORT_MALFORMED')
  })

  it('refuses with 403 a certificate bound to one DID carrying a message from another, and audits it', async () => {
    const before = await inboxCount()
    const { packed } = await aliceCodec.pack(message(alice, bob))

    const answer = await send(agent.httpsUri(), pki, 'carol', ENCRYPTED, packed)

    expect(answer.status).toBe(403)
    expect(JSON.parse(answer.body).code).toBe('ERR_GUARD_BINDING_MISMATCH')
    expect(await inboxCount()).toBe(before)
    const entry = await lastAudit()
    expect([entry?.kind, entry?.data['code'], entry?.data['peer']]).toEqual([
      'https.refused',
      'ERR_GUARD_BINDING_MISMATCH',
      'did:example:carol',
    ])
  })

  it('answers 200 with the packed reply when the message asks for return_route', async () => {
    const sent = message(alice, bob, { body: { content: 'ping' }, return_route: 'all' })
    const { packed } = await aliceCodec.pack(sent)

    const answer = await send(agent.httpsUri(), pki, 'alice', ENCRYPTED, packed)

    expect(answer.status).toBe(200)
    expect(answer.headers['content-type']).toBe(ENCRYPTED)
    const reply = await aliceCodec.unpack(answer.body)
    expect([reply.sender, reply.message.thid, reply.message.body]).toEqual([
      bob.did,
      sent.id,
      { content: 'pong' },
    ])
  })

  it('answers 429 with Retry-After over the rate limit (run last: it spends the budget)', async () => {
    let answer: Answer
    do answer = await send(agent.httpsUri(), pki, 'plain', 'application/json', '{}')
    while (answer.status === 415)

    expect(answer.status).toBe(429)
    expect(Number(answer.headers['retry-after'])).toBeGreaterThan(0)
    expect(JSON.parse(answer.body).code).toBe('ERR_TRANSPORT_RATE_LIMITED')
    expect((await lastAudit())?.data['code']).toBe('ERR_TRANSPORT_RATE_LIMITED')
  })
})
