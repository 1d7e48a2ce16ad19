import { readFileSync } from 'node:fs'
import { connect, type TLSSocket } from 'node:tls'

import WebSocket from 'ws'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { tempDir } from '../../helpers/tmp.js'
import { post } from './clients.js'
import { makeActor, startAgent, until, writePki, type Pki, type TestAgent } from './fixtures.js'

/** A TLS connection with a valid client certificate that then sends only what it is told to. */
function openTls(
  agent: TestAgent,
  pki: Pki,
): Promise<{ socket: TLSSocket; closed: () => boolean }> {
  const paths = pki.cert('alice')
  let closed = false
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: '127.0.0.1',
      port: agent.server.address().port,
      servername: 'localhost',
      ca: readFileSync(pki.ca),
      cert: readFileSync(paths.cert),
      key: readFileSync(paths.key),
    })
    socket.on('close', () => (closed = true))
    // Read whatever the server answers (a 408), so that its closing is seen.
    socket.resume()
    socket.on('error', () => undefined)
    socket.once('secureConnect', () => resolve({ socket, closed: () => closed }))
    socket.once('error', reject)
  })
}

describe('slow and abusive clients', () => {
  const temp = tempDir()
  const bob = makeActor('bob')
  let pki: Pki
  let agent: TestAgent

  beforeAll(async () => {
    pki = await writePki(temp.dir)
    agent = await startAgent({
      dir: temp.dir,
      pki,
      actor: bob,
      docs: [bob.doc],
      transport: {
        maxConnections: 4,
        http: { headersTimeoutMs: 400, requestTimeoutMs: 800, keepAliveTimeoutMs: 200 },
        ws: { rateLimit: { limit: 3, windowSeconds: 3600 } },
      },
    })
  })

  afterAll(async () => {
    await agent.stop()
    temp.cleanup()
  })

  it('cuts off a client dribbling its headers, while a well-behaved client is served', async () => {
    const slow = await openTls(agent, pki)
    slow.socket.write('POST /didcomm HTTP/1.1\r\nHost: localhost\r\n')
    const dribble = setInterval(() => slow.socket.writable && slow.socket.write('x'), 50)

    const served = await post(agent.httpsUri(), pki, 'alice')
    await until(() => slow.closed())
    clearInterval(dribble)

    expect(served).toBe(415)
    expect(slow.closed()).toBe(true)
  })

  it('refuses connections above maxConnections and serves again once idle ones are cut off', async () => {
    const idle = await Promise.all(Array.from({ length: 4 }, () => openTls(agent, pki)))

    const refused = await post(agent.httpsUri(), pki, 'alice')
    await until(() => idle.every((c) => c.closed()))
    const served = await post(agent.httpsUri(), pki, 'alice')

    expect(typeof refused).toBe('string')
    expect(served).toBe(415)
  })

  it('closes with 1013 a WebSocket flooding frames over its rate limit, and audits it', async () => {
    const paths = pki.cert('alice')
    const ws = new WebSocket(agent.wssUri(), {
      ca: readFileSync(pki.ca),
      cert: readFileSync(paths.cert),
      key: readFileSync(paths.key),
    })
    await new Promise((resolve) => ws.once('open', resolve))
    const closed = new Promise<number>((resolve) => ws.once('close', resolve))

    for (let i = 0; i < 10; i++) ws.send('{}')
    const code = await closed
    await until(async () =>
      (await agent.audit.list({ kind: 'wss.refused' })).some(
        (e) => e.data['code'] === 'ERR_TRANSPORT_RATE_LIMITED',
      ),
    )

    expect(code).toBe(1013)
  })
})
