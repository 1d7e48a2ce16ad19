import { readFileSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'

import type { DIDDocument } from 'did-resolver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { didWebDocument } from '../../../agent/did/web-document.js'
import { didWebResolver, didWebUrl, httpsJsonFetch } from '../../../agent/did/web.js'
import { toDidcommDoc } from '../../../agent/didcomm/did-docs.js'
import {
  createCa,
  issueCertificate,
  type CertificateAuthority,
} from '../../../agent/pki/dev-pki.js'
import { tempDir } from '../../helpers/tmp.js'
import { message, openAgent, type TestAgent } from '../didcomm/agents.js'
import { VECTORS } from '../didcomm/vector-cases.js'

const WEB = join(VECTORS, 'did-web')
const read = (file: string) => JSON.parse(readFileSync(join(WEB, file), 'utf8'))

describe('did:web URLs', () => {
  for (const { did, expected_url: url } of read('did-to-url.json').cases) {
    it(`maps ${did} to ${url}`, () => {
      expect(didWebUrl(did)).toBe(url)
    })
  }

  for (const did of ['did:web:', 'did:web:example.com#frag', 'did:key:z6Mk']) {
    it(`refuses ${did}`, () => {
      expect(() => didWebUrl(did)).toThrow(TypeError)
    })
  }
})

describe('did:web resolution over HTTPS', () => {
  let ca: CertificateAuthority
  let otherCa: CertificateAuthority
  let server: Server
  let domain: string
  const documents = new Map<string, unknown>()

  beforeAll(async () => {
    ca = await createCa({ commonName: 'did:web test CA' })
    otherCa = await createCa({ commonName: 'another CA' })
    const { cert, key } = await issueCertificate(ca, { commonName: 'localhost' })
    server = createServer({ cert, key }, (req, res) => {
      const body = documents.get(req.url ?? '')
      res.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/did+json' })
      res.end(body === undefined ? '' : JSON.stringify(body))
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    domain = `localhost%3A${(server.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve))
  })

  const resolve = (did: string, trusted: CertificateAuthority = ca) =>
    didWebResolver(httpsJsonFetch({ ca: trusted.cert }))(did, {} as never, {} as never, {})

  /** The spec's example document, moved to our local domain. */
  function exampleDocument(did: string): DIDDocument {
    const example = read('example-did-documents.json').examples[0].document
    return JSON.parse(JSON.stringify(example).replaceAll('did:web:example.com', did))
  }

  it('resolves a document served with a certificate from a trusted CA', async () => {
    const did = `did:web:${domain}`
    documents.set('/.well-known/did.json', exampleDocument(did))

    const { didDocument } = await resolve(did)
    expect(didDocument).toEqual(exampleDocument(did))
    expect(toDidcommDoc(didDocument as DIDDocument).keyAgreement).toEqual([
      `${did}#key-1`,
      `${did}#key-2`,
    ])
  })

  it('resolves the path form', async () => {
    const did = `did:web:${domain}:user:alice`
    documents.set('/user/alice/did.json', exampleDocument(did))
    expect((await resolve(did)).didDocument?.id).toBe(did)
  })

  it('refuses a server whose certificate comes from another CA', async () => {
    const did = `did:web:${domain}`
    documents.set('/.well-known/did.json', exampleDocument(did))

    const result = await resolve(did, otherCa)
    expect(result.didDocument).toBeNull()
    expect(result.didResolutionMetadata.error).toBe('notFound')
    expect(result.didResolutionMetadata['message']).toMatch(/certificate/)
  })

  it('refuses a document that is not the DID it was asked for', async () => {
    documents.set('/user/mallory/did.json', exampleDocument(`did:web:${domain}:user:alice`))
    const result = await resolve(`did:web:${domain}:user:mallory`)
    expect(result.didDocument).toBeNull()
  })

  it('reports a DID without a document as not found', async () => {
    const result = await resolve(`did:web:${domain}:user:nobody`)
    expect(result.didResolutionMetadata.error).toBe('notFound')
  })

  describe('between agents', () => {
    const tmp = tempDir()
    let issuer: TestAgent
    let holder: TestAgent

    beforeAll(async () => {
      const resolvers = { web: didWebResolver(httpsJsonFetch({ ca: ca.cert })) }
      issuer = await openAgent(tmp.dir, 'issuer', { method: 'web', webDomain: `${domain}:issuer` })
      holder = await openAgent(tmp.dir, 'holder', {}, resolvers)
      documents.set('/issuer/did.json', didWebDocument(issuer.identity))
    })

    afterAll(async () => {
      await issuer.dataSource.destroy()
      await holder.dataSource.destroy()
      tmp.cleanup()
    })

    it('authcrypts to a did:web agent and reads its reply', async () => {
      const ping = message(holder.identity.did, issuer.identity.did)
      const { packed, services } = await holder.codec.pack(ping)
      const received = await issuer.codec.unpack(packed)

      expect(issuer.identity.did).toBe(`did:web:${domain}:issuer`)
      expect(services).toEqual([
        {
          id: `${issuer.identity.did}#didcomm-0`,
          uri: 'https://issuer.example/didcomm',
          accept: ['didcomm/v2'],
          routingKeys: [],
        },
      ])
      expect(received.sender).toBe(holder.identity.did)

      const reply = await issuer.codec.pack(message(issuer.identity.did, holder.identity.did))
      expect((await holder.codec.unpack(reply.packed)).sender).toBe(issuer.identity.did)
    })
  })
})
