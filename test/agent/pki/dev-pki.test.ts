import { execFileSync } from 'node:child_process'
import { X509Certificate } from 'node:crypto'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { createCa, issueCertificate } from '../../../agent/pki/dev-pki.js'
import { writeCa } from '../../../agent/pki/files.js'
import { tempDir } from '../../helpers/tmp.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')
const SERVER_AUTH = '1.3.6.1.5.5.7.3.1'
const CLIENT_AUTH = '1.3.6.1.5.5.7.3.2'

describe('the development PKI', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => cleanups.splice(0).forEach((c) => c()))

  it('issues a certificate for server and client auth naming the host and the DID, signed by the CA', async () => {
    const ca = await createCa({ commonName: 'Test CA' })
    const pair = await issueCertificate(ca, { commonName: 'alice', did: 'did:example:alice' })
    const cert = new X509Certificate(pair.cert)
    const caCert = new X509Certificate(ca.cert)

    expect(cert.subject).toBe('CN=alice')
    expect(cert.issuer).toBe('CN=Test CA')
    expect(cert.subjectAltName).toBe('DNS:localhost, IP Address:127.0.0.1, URI:did:example:alice')
    expect(cert.keyUsage).toEqual([SERVER_AUTH, CLIENT_AUTH])
    expect(cert.ca).toBe(false)
    expect(caCert.ca).toBe(true)
    expect(cert.verify(caCert.publicKey)).toBe(true)
    expect(
      cert.checkPrivateKey(await import('node:crypto').then((c) => c.createPrivateKey(pair.key))),
    ).toBe(true)
  })

  it('parley certs init writes the CA and the agent certificate, keys with mode 0600', () => {
    const temp = tempDir()
    cleanups.push(temp.cleanup)
    writeFileSync(join(temp.dir, 'agent.yml'), 'agent:\n  dataDir: .\n')

    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'agent/cli/main.ts'),
        '--config',
        join(temp.dir, 'agent.yml'),
        'certs',
        'init',
        '--did',
        'did:example:issuer',
        '--host',
        'issuer.test',
        '127.0.0.2',
      ],
      { cwd: ROOT, encoding: 'utf8' },
    )

    const dir = join(temp.dir, 'certs')
    expect(JSON.parse(out)).toEqual({
      ca: { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') },
      agent: { cert: join(dir, 'agent.crt'), key: join(dir, 'agent.key') },
    })
    expect(statSync(join(dir, 'ca.key')).mode & 0o777).toBe(0o600)
    expect(statSync(join(dir, 'agent.key')).mode & 0o777).toBe(0o600)
    const agent = new X509Certificate(readFileSync(join(dir, 'agent.crt')))
    expect(agent.subjectAltName).toBe(
      'DNS:issuer.test, IP Address:127.0.0.2, URI:did:example:issuer',
    )
  })

  it('refuses to overwrite an existing CA with ERR_PKI_EXISTS', async () => {
    const temp = tempDir()
    cleanups.push(temp.cleanup)
    await writeCa(temp.dir)

    await expect(writeCa(temp.dir)).rejects.toMatchObject({ code: 'ERR_PKI_EXISTS' })
  })
})
