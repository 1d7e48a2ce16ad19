import { readFileSync, writeFileSync } from 'node:fs'
import { request } from 'node:https'
import { join } from 'node:path'
import type { TLSSocket } from 'node:tls'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { issueCertificate } from '../../../agent/pki/dev-pki.js'
import { tempDir } from '../../helpers/tmp.js'
import { makeActor, startAgent, until, writePki, type Pki, type TestAgent } from './fixtures.js'
import { post } from './clients.js'

/** The fingerprint of the certificate the server presents on a new connection. */
function serverFingerprint(uri: string, pki: Pki): Promise<string> {
  const paths = pki.cert('alice')
  return new Promise((resolve, reject) => {
    const req = request(uri, {
      method: 'POST',
      ca: readFileSync(pki.ca),
      cert: readFileSync(paths.cert),
      key: readFileSync(paths.key),
      agent: false,
    })
    req.on('response', (res) => {
      res.resume()
      resolve((res.socket as TLSSocket).getPeerCertificate().fingerprint256)
    })
    req.on('error', reject)
    req.end()
  })
}

describe('reloading TLS material without a restart', () => {
  const temp = tempDir()
  const bob = makeActor('bob')
  let pki: Pki
  let agent: TestAgent
  let bundle: string

  beforeAll(async () => {
    pki = await writePki(temp.dir)
    bundle = join(temp.dir, 'trusted.crt')
    writeFileSync(bundle, `${readFileSync(pki.ca, 'utf8')}\n${readFileSync(pki.otherCa, 'utf8')}`)
    agent = await startAgent({
      dir: temp.dir,
      pki,
      actor: bob,
      docs: [bob.doc],
      tls: { ca: [bundle], watch: true },
    })
  })

  afterAll(async () => {
    await agent.stop()
    temp.cleanup()
  })

  it('serves a rotated server certificate once its files change on disk, and audits the reload', async () => {
    const before = await serverFingerprint(agent.httpsUri(), pki)
    const rotated = await issueCertificate(pki.caAuthority, { commonName: 'bob', did: bob.did })

    writeFileSync(pki.cert('bob').key, rotated.key)
    writeFileSync(pki.cert('bob').cert, rotated.cert)
    await until(async () => (await serverFingerprint(agent.httpsUri(), pki)) !== before)

    const after = await serverFingerprint(agent.httpsUri(), pki)
    expect(after).toBe(agent.tls.current().fingerprint256)
    const reloads = await agent.audit.list({ kind: 'tls.reloaded' })
    expect(reloads.at(-1)?.data['fingerprint']).toBe(after)
  })

  it("refuses a withdrawn CA's clients after SIGHUP, and keeps serving the others", async () => {
    expect(await post(agent.httpsUri(), pki, 'stranger')).toBe(415)

    writeFileSync(bundle, readFileSync(pki.ca, 'utf8'))
    const reloadsBefore = (await agent.audit.list({ kind: 'tls.reloaded' })).length
    process.kill(process.pid, 'SIGHUP')
    await until(
      async () => (await agent.audit.list({ kind: 'tls.reloaded' })).length > reloadsBefore,
    )

    expect(agent.tls.current().ca.length).toBe(1)
    expect(typeof (await post(agent.httpsUri(), pki, 'stranger'))).toBe('string')
    expect(await post(agent.httpsUri(), pki, 'alice')).toBe(415)
  })
})
