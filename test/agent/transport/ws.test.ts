import { readFileSync } from 'node:fs'

import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { createCodec } from '../../../agent/didcomm/codec.js'
import { staticDids, staticSecrets } from '../../../agent/didcomm/sources.js'
import type { DidcommCodec } from '../../../agent/didcomm/types.js'
import { silentLogger } from '../../../agent/logger.js'
import { createTransportServer, type TransportServer } from '../../../agent/transport/server.js'
import { tempDir } from '../../helpers/tmp.js'
import {
  makeActor,
  message,
  setEndpoints,
  startAgent,
  until,
  writePki,
  type Pki,
  type TestAgent,
} from './fixtures.js'

function connect(uri: string, pki: Pki, certName: string): Promise<WebSocket> {
  const paths = pki.cert(certName)
  const ws = new WebSocket(uri, {
    ca: readFileSync(pki.ca),
    cert: readFileSync(paths.cert),
    key: readFileSync(paths.key),
  })
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws))
    ws.once('error', reject)
  })
}

function closed(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.once('close', (code) => resolve(code)))
}

describe('inbound and outbound WebSocket', () => {
  const temp = tempDir()
  const alice = makeActor('alice')
  const bob = makeActor('bob')
  const docs = [alice.doc, bob.doc]
  let pki: Pki
  let aliceAgent: TestAgent
  let bobAgent: TestAgent
  let aliceCodec: DidcommCodec
  let restarted: TransportServer | undefined

  beforeAll(async () => {
    pki = await writePki(temp.dir)
    bobAgent = await startAgent({
      dir: temp.dir,
      pki,
      actor: bob,
      docs,
      transport: { ws: { maxFrameBytes: 32 * 1024 } },
    })
    setEndpoints(bob, [bobAgent.wssUri()])
    aliceAgent = await startAgent({ dir: temp.dir, pki, actor: alice, docs })
    aliceCodec = createCodec({ dids: staticDids(docs), secrets: staticSecrets(alice.secrets) })
  })

  afterAll(async () => {
    await aliceAgent.stop()
    await restarted?.stop()
    await bobAgent.stop()
    temp.cleanup()
  })

  it('processes one message per frame, text and binary frames alike', async () => {
    const ws = await connect(bobAgent.wssUri(), pki, 'alice')
    const asText = message(alice, bob)
    const asBinary = message(alice, bob)

    ws.send((await aliceCodec.pack(asText)).packed)
    ws.send(Buffer.from((await aliceCodec.pack(asBinary)).packed))
    await until(
      () =>
        bobAgent.received.filter((r) => [asText.id, asBinary.id].includes(r.message.id)).length ===
        2,
    )
    ws.close()

    const got = bobAgent.received.filter((r) => [asText.id, asBinary.id].includes(r.message.id))
    expect(got.map((r) => [r.context.transport, r.sender])).toEqual([
      ['wss', alice.did],
      ['wss', alice.did],
    ])
  })

  it('closes with 1009 on a frame above the limit, and audits it', async () => {
    const ws = await connect(bobAgent.wssUri(), pki, 'alice')

    ws.send(Buffer.alloc(40 * 1024, 0x61))
    const code = await closed(ws)
    await until(
      async () => (await bobAgent.audit.list()).at(-1)?.data['code'] === 'ERR_TRANSPORT_TOO_LARGE',
    )

    expect(code).toBe(1009)
  })

  it('closes with 1008 a connection whose certificate names another DID than the sender', async () => {
    const ws = await connect(bobAgent.wssUri(), pki, 'carol')

    ws.send((await aliceCodec.pack(message(alice, bob))).packed)
    const code = await closed(ws)
    await until(
      async () =>
        (await bobAgent.audit.list()).at(-1)?.data['code'] === 'ERR_GUARD_BINDING_MISMATCH',
    )

    expect(code).toBe(1008)
  })

  it('reconnects after the server restarts and delivers what was queued meanwhile', async () => {
    const first = message(alice, bob)
    await aliceAgent.dataSource.transaction((m) => aliceAgent.outbox.enqueue(m, { message: first }))
    aliceAgent.outbox.kick()
    await until(() => bobAgent.received.some((r) => r.message.id === first.id))
    const port = bobAgent.server.address().port
    const endpoint = bobAgent.wssUri()

    await bobAgent.server.stop()
    const queued = message(alice, bob)
    await aliceAgent.dataSource.transaction((m) =>
      aliceAgent.outbox.enqueue(m, { message: queued }),
    )
    aliceAgent.outbox.kick()
    await until(async () => ((await aliceAgent.outbox.list())[0]?.attempts ?? 0) > 0)
    const { config } = bobAgent.loaded
    restarted = createTransportServer({
      config: { ...config, transport: { ...config.transport, port } },
      tls: bobAgent.tls,
      pipeline: bobAgent.pipeline,
      logger: silentLogger(),
    })
    await restarted.start()
    await until(() => bobAgent.received.some((r) => r.message.id === queued.id))

    const [entry] = await aliceAgent.outbox.list()
    expect([entry?.messageId, entry?.status, entry?.deliveredVia]).toEqual([
      queued.id,
      'delivered',
      endpoint,
    ])
    expect(bobAgent.received.filter((r) => r.message.id === queued.id).length).toBe(1)
  })
})
