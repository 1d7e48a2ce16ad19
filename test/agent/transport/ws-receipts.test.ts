import { readFileSync } from 'node:fs'
import { createServer } from 'node:https'
import type { AddressInfo } from 'node:net'

import WebSocket, { WebSocketServer } from 'ws'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'

import { createCodec } from '../../../agent/didcomm/codec.js'
import { staticDids, staticSecrets } from '../../../agent/didcomm/sources.js'
import type { DidcommCodec } from '../../../agent/didcomm/types.js'
import type { InboundPipeline } from '../../../agent/inbound/pipeline.js'
import { silentLogger } from '../../../agent/logger.js'
import { rawToBuffer, rawToText } from '../../../agent/transport/client-ws.js'
import {
  frameDigest,
  parseReceipt,
  RECEIPT_PROTOCOL,
  receiptFrame,
} from '../../../agent/transport/receipt.js'
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

/** Opens a WebSocket as `certName`, offering these subprotocols; collects the frames it gets. */
async function connect(uri: string, pki: Pki, certName: string, protocols: string[]) {
  const paths = pki.cert(certName)
  const ws = new WebSocket(uri, protocols, {
    ca: readFileSync(pki.ca),
    cert: readFileSync(paths.cert),
    key: readFileSync(paths.key),
  })
  const frames: WebSocket.RawData[] = []
  ws.on('message', (data: WebSocket.RawData) => frames.push(data))
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })
  return { ws, frames }
}

/**
 * A bare WSS server with mutual TLS, not Parley's: it picks the given subprotocol (`false`: none)
 * and calls `onFrame` on every frame.
 */
async function bareServer(
  pki: Pki,
  protocol: string | false,
  onFrame: (ws: WebSocket, text: string) => void,
) {
  const paths = pki.cert('bob')
  const server = createServer({
    cert: readFileSync(paths.cert),
    key: readFileSync(paths.key),
    ca: readFileSync(pki.ca),
    requestCert: true,
    rejectUnauthorized: true,
  })
  const wss = new WebSocketServer({ server, handleProtocols: () => protocol })
  wss.on('connection', (ws) => {
    ws.on('message', (data: WebSocket.RawData) => onFrame(ws, rawToText(data)))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    uri: `wss://localhost:${(server.address() as AddressInfo).port}/ws`,
    async stop() {
      for (const ws of wss.clients) ws.terminate()
      wss.close()
      await new Promise((resolve) => server.close(resolve))
    },
  }
}

describe('WebSocket transport receipts', () => {
  const temp = tempDir()
  const alice = makeActor('alice')
  const bob = makeActor('bob')
  // Carol talks to bob over bare sockets, so that her replies never take alice's agent's route.
  const carol = makeActor('carol')
  const docs = [alice.doc, bob.doc, carol.doc]
  let pki: Pki
  let aliceAgent: TestAgent
  let bobAgent: TestAgent
  let carolCodec: DidcommCodec
  const stops: (() => Promise<void>)[] = []

  beforeAll(async () => {
    pki = await writePki(temp.dir)
    bobAgent = await startAgent({
      dir: temp.dir,
      pki,
      actor: bob,
      docs,
      receiptTimeoutMs: 60_000,
      reply: (received) =>
        received.message.body['content'] === 'reply please'
          ? message(bob, received.message.from === carol.did ? carol : alice, {
              thid: received.message.id,
            })
          : undefined,
    })
    aliceAgent = await startAgent({ dir: temp.dir, pki, actor: alice, docs, receiptTimeoutMs: 300 })
    carolCodec = createCodec({ dids: staticDids(docs), secrets: staticSecrets(carol.secrets) })
  })

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop()
  })

  afterAll(async () => {
    await aliceAgent.stop()
    await bobAgent.stop()
    temp.cleanup()
  })

  /** The frame among those received that unpacks to a reply in thread `thid`. */
  async function replyTo(frames: WebSocket.RawData[], thid: string) {
    for (const data of frames) {
      if (parseReceipt(rawToText(data)) !== undefined) continue
      const unpacked = await carolCodec.unpack(rawToText(data), { allowPlaintext: false })
      if (unpacked.message.thid === thid) return data
    }
    return undefined
  }

  const entryOf = async (agent: TestAgent, messageId: string) =>
    (await agent.outbox.list()).find((entry) => entry.messageId === messageId)

  async function queue(from: TestAgent, to: typeof bob, content = 'hello') {
    const sent = message(from.actor, to, { body: { content } })
    await from.dataSource.transaction((m) => from.outbox.enqueue(m, { message: sent }))
    from.outbox.kick()
    return sent
  }

  it('counts a frame as delivered only once the receiver has stored it', async () => {
    let release: () => void = () => undefined
    const gate = new Promise<void>((resolve) => (release = resolve))
    let arrived = false
    const gated: InboundPipeline = {
      ...bobAgent.pipeline,
      async accept(envelope, context) {
        arrived = true
        await gate
        return bobAgent.pipeline.accept(envelope, context)
      },
    }
    const server: TransportServer = createTransportServer({
      config: bobAgent.loaded.config,
      tls: bobAgent.tls,
      pipeline: gated,
      logger: silentLogger(),
    })
    await server.start()
    stops.push(() => server.stop())
    const endpoint = `wss://localhost:${server.address().port}/ws`
    setEndpoints(bob, [endpoint])

    const sent = await queue(aliceAgent, bob)
    await until(() => arrived)
    const waiting = await entryOf(aliceAgent, sent.id)
    release()
    await until(async () => (await entryOf(aliceAgent, sent.id))?.status === 'delivered')

    expect(waiting?.status).toBe('pending')
    expect((await entryOf(aliceAgent, sent.id))?.deliveredVia).toBe(endpoint)
    await until(() => bobAgent.received.some((r) => r.message.id === sent.id))
  })

  it.each([
    ['never answers', (_ws: WebSocket) => undefined],
    ['closes the connection', (ws: WebSocket) => ws.terminate()],
  ])('leaves a message queued for retry when the receiver %s', async (_case, misbehave) => {
    const server = await bareServer(pki, RECEIPT_PROTOCOL, misbehave)
    stops.push(() => server.stop())
    setEndpoints(bob, [server.uri])

    const sent = await queue(aliceAgent, bob)
    await until(async () => ((await entryOf(aliceAgent, sent.id))?.attempts ?? 0) > 0)

    const entry = await entryOf(aliceAgent, sent.id)
    expect(entry?.status).toBe('pending')
    expect(entry?.lastError).toMatch(/^ERR_TRANSPORT_UNDELIVERABLE: /)
  })

  it('delivers to a foreign server that ignores subprotocols once the frame is written', async () => {
    const frames: string[] = []
    const server = await bareServer(pki, false, (_ws, text) => frames.push(text))
    stops.push(() => server.stop())
    setEndpoints(bob, [server.uri])

    const sent = await queue(aliceAgent, bob)
    await until(async () => (await entryOf(aliceAgent, sent.id))?.status === 'delivered')

    const ids = await Promise.all(
      frames.map(async (text) => (await bobAgent.codec.unpack(text, {})).message.id),
    )
    expect(ids.filter((id) => id === sent.id)).toEqual([sent.id])
  })

  it.each([
    ['stored', undefined, 'delivered'],
    ['already had it (a replay)', 'ERR_GUARD_REPLAY', 'delivered'],
    ['refused it', 'ERR_TRANSPORT_MALFORMED', 'pending'],
  ])(
    'marks a reply on the return route by the client receipt when the client %s',
    async (_case, code, status) => {
      const { ws, frames } = await connect(bobAgent.wssUri(), pki, 'carol', [RECEIPT_PROTOCOL])
      stops.push(async () => ws.close())
      const ask = message(carol, bob, { body: { content: 'reply please' }, return_route: 'all' })
      const { packed } = await carolCodec.pack(ask)

      ws.send(packed)
      await until(async () => (await replyTo(frames, ask.id)) !== undefined)
      const reply = (await replyTo(frames, ask.id))!
      const before = (await bobAgent.outbox.list()).find((e) => e.thid === ask.id)!
      ws.send(receiptFrame(frameDigest(rawToBuffer(reply)), code))
      await until(async () => {
        const entry = await entryOf(bobAgent, before.messageId)
        return entry?.status === 'delivered' || (entry?.attempts ?? 0) > 0
      })

      expect(ws.protocol).toBe(RECEIPT_PROTOCOL)
      expect(frames.map((data) => parseReceipt(rawToText(data)))).toContainEqual({
        sha256: frameDigest(packed),
      })
      expect(before.status).toBe('pending')
      expect((await entryOf(bobAgent, before.messageId))?.status).toBe(status)
    },
  )

  it('confirms delivery both ways between two Parley agents over one socket', async () => {
    setEndpoints(bob, [bobAgent.wssUri()])

    const ask = await queue(aliceAgent, bob, 'reply please')
    await until(() => aliceAgent.received.some((r) => r.message.thid === ask.id))
    const reply = (await bobAgent.outbox.list()).find((e) => e.thid === ask.id)
    await until(async () => (await entryOf(bobAgent, reply!.messageId))?.status === 'delivered')

    expect((await entryOf(aliceAgent, ask.id))?.status).toBe('delivered')
    expect((await entryOf(bobAgent, reply!.messageId))?.deliveredVia).toBe('return-route:wss')
  })

  it.each([
    ['offers no subprotocol', [], ''],
    ['offers only other subprotocols', ['didcomm-test'], 'didcomm-test'],
  ])(
    'serves a foreign client that %s as before, without receipts',
    async (_case, offered, expected) => {
      const { ws, frames } = await connect(bobAgent.wssUri(), pki, 'carol', offered)
      stops.push(async () => ws.close())
      const ask = message(carol, bob, { body: { content: 'reply please' }, return_route: 'all' })

      ws.send((await carolCodec.pack(ask)).packed)
      await until(async () => (await replyTo(frames, ask.id)) !== undefined)

      expect(ws.protocol).toBe(expected)
      expect(frames.filter((data) => parseReceipt(rawToText(data)) !== undefined)).toEqual([])
      expect(bobAgent.received.some((r) => r.message.id === ask.id)).toBe(true)
    },
  )
})
