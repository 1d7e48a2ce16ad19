/**
 * Test material for the transport tests: a development PKI written to a temp folder at setup
 * (never committed), named actors with DID documents and secrets, and a whole inbound/outbound
 * stack (database, audit log, codec, pipeline, server, outbox) per agent on loopback, port 0.
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import type { DIDDocument, JsonWebKey } from 'did-resolver'
import type { DataSource } from 'typeorm'

import { createAuditLog, type AuditLog } from '../../../agent/audit/log.js'
import { resolveConfig, type LoadedConfig } from '../../../agent/config/load.js'
import { createCodec } from '../../../agent/didcomm/codec.js'
import { staticDids, staticSecrets, type DidcommSecret } from '../../../agent/didcomm/sources.js'
import type { DidcommCodec, PlaintextMessage } from '../../../agent/didcomm/types.js'
import { createInboundPipeline, type InboundPipeline } from '../../../agent/inbound/pipeline.js'
import type { ReceivedMessage } from '../../../agent/inbound/types.js'
import { silentLogger } from '../../../agent/logger.js'
import { createOutbox, type Outbox } from '../../../agent/outbox/outbox.js'
import {
  createCa,
  issueCertificate,
  type CertificateAuthority,
} from '../../../agent/pki/dev-pki.js'
import { createOutboundClient, type OutboundClient } from '../../../agent/transport/client.js'
import { createReturnRoutes } from '../../../agent/transport/return-route.js'
import { createTransportServer, type TransportServer } from '../../../agent/transport/server.js'
import { createTlsSource, type TlsSource } from '../../../agent/transport/tls.js'
import { openDataSource } from '../../../storage/datasource.js'

/** A DID with its document and private keys. */
export interface Actor {
  did: string
  doc: DIDDocument
  secrets: DidcommSecret[]
}

/** Creates `did:example:<name>` with an X25519 key-agreement key and an Ed25519 key. */
export function makeActor(name: string): Actor {
  const did = `did:example:${name}`
  const x = jwkPair('x25519')
  const ed = jwkPair('ed25519')
  const method = (id: string, jwk: Record<string, string>) => ({
    id,
    type: 'JsonWebKey2020',
    controller: did,
    publicKeyJwk: jwk as JsonWebKey,
  })
  const doc: DIDDocument = {
    id: did,
    verificationMethod: [method(`${did}#x`, x.pub), method(`${did}#ed`, ed.pub)],
    authentication: [`${did}#ed`],
    keyAgreement: [`${did}#x`],
    service: [],
  }
  const secret = (id: string, jwk: Record<string, string>): DidcommSecret =>
    ({ id, type: 'JsonWebKey2020', privateKeyJwk: jwk }) as unknown as DidcommSecret
  return { did, doc, secrets: [secret(`${did}#x`, x.priv), secret(`${did}#ed`, ed.priv)] }
}

/** Points an actor's DID document at endpoints (before anyone resolved it). */
export function setEndpoints(actor: Actor, uris: string[]): void {
  actor.doc.service = uris.map((uri, i) => ({
    id: `${actor.did}#didcomm-${i}`,
    type: 'DIDCommMessaging',
    serviceEndpoint: { uri, accept: ['didcomm/v2'], routing_keys: [] },
  })) as unknown as DIDDocument['service']
}

/** Paths of the PKI written by {@link writePki}. */
export interface Pki {
  dir: string
  ca: string
  otherCa: string
  caAuthority: CertificateAuthority
  /** Certificates (with `.crt` and `.key` beside) by name. */
  cert: (name: string) => { cert: string; key: string }
}

/**
 * Writes a CA, a second CA, and certificates: `alice`, `bob`, `carol` (each naming
 * `did:example:<name>`), `plain` (no DID), `expired`, `server-only` (no client usage) and
 * `stranger` (from the other CA).
 */
export async function writePki(dir: string): Promise<Pki> {
  const ca = await createCa({ commonName: 'Test CA' })
  const other = await createCa({ commonName: 'Other CA' })
  writeFileSync(join(dir, 'ca.crt'), ca.cert)
  writeFileSync(join(dir, 'other-ca.crt'), other.cert)

  const write = async (name: string, authority: CertificateAuthority, options = {}) => {
    const pair = await issueCertificate(authority, { commonName: name, ...options })
    writeFileSync(join(dir, `${name}.crt`), pair.cert)
    writeFileSync(join(dir, `${name}.key`), pair.key, { mode: 0o600 })
  }
  for (const name of ['alice', 'bob', 'carol']) {
    await write(name, ca, { did: `did:example:${name}` })
  }
  await write('plain', ca)
  await write('expired', ca, {
    notBefore: new Date(Date.now() - 10 * 86400_000),
    notAfter: new Date(Date.now() - 86400_000),
  })
  await write('server-only', ca, { usages: ['serverAuth'] })
  await write('stranger', other, { did: 'did:example:alice' })

  return {
    dir,
    ca: join(dir, 'ca.crt'),
    otherCa: join(dir, 'other-ca.crt'),
    caAuthority: ca,
    cert: (name) => ({ cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) }),
  }
}

/** Everything one test agent runs. */
export interface TestAgent {
  actor: Actor
  loaded: LoadedConfig
  dataSource: DataSource
  audit: AuditLog
  codec: DidcommCodec
  tls: TlsSource
  pipeline: InboundPipeline
  server: TransportServer
  outbox: Outbox
  client: OutboundClient
  received: ReceivedMessage[]
  /** `https://localhost:<port>/didcomm` */
  httpsUri: () => string
  wssUri: () => string
  stop: () => Promise<void>
}

/** Options for {@link startAgent}. */
export interface StartAgentOptions {
  dir: string
  pki: Pki
  actor: Actor
  /** Every actor's document, for resolution. */
  docs: DIDDocument[]
  /** Which certificate this agent presents; defaults to the actor's name. */
  certName?: string
  /** Raw agent.yml overrides, merged into `transport` and the top level. */
  transport?: Record<string, unknown>
  tls?: Record<string, unknown>
  config?: Record<string, unknown>
  /** Replies the sink queues for a received message. */
  reply?: (received: ReceivedMessage) => PlaintextMessage | undefined
  port?: number
  /** How long WebSocket sends wait for a receipt, in both directions; defaults to 30 s. */
  receiptTimeoutMs?: number
}

/** Starts one agent's storage, transport server and outbox on loopback. */
export async function startAgent(options: StartAgentOptions): Promise<TestAgent> {
  const { dir, pki, actor } = options
  const receiptTimeout =
    options.receiptTimeoutMs === undefined ? {} : { receiptTimeoutMs: options.receiptTimeoutMs }
  const certName = options.certName ?? actor.did.split(':')[2]!
  const loaded = resolveConfig(
    {
      agent: { dataDir: dir },
      storage: { type: 'sqlite', path: `${randomUUID()}.sqlite` },
      outbox: { initialBackoffMs: 50, maxBackoffMs: 200, expireAfterSeconds: 3600 },
      ...options.config,
      transport: {
        host: '127.0.0.1',
        port: options.port ?? 0,
        ...options.transport,
        tls: { ...pki.cert(certName), ca: [pki.ca], watch: false, ...options.tls },
      },
    },
    dir,
  )
  const { config } = loaded
  const logger = silentLogger()
  const dataSource = await openDataSource(config.storage, { resolvePath: loaded.fromData })
  const audit = createAuditLog({ dataSource, file: loaded.fromData(config.audit.file), logger })
  const codec = createCodec({
    dids: staticDids(options.docs),
    secrets: staticSecrets(actor.secrets),
    didCacheTtlMs: 0,
  })
  const tls = createTlsSource({
    tls: config.transport.tls!,
    resolve: loaded.fromConfig,
    logger,
    audit,
    watchIntervalMs: 100,
  })
  const routes = createReturnRoutes()
  const received: ReceivedMessage[] = []

  let outbox: Outbox | undefined
  const sink = {
    async handle(message: ReceivedMessage) {
      received.push(message)
      const reply = options.reply?.(message)
      if (reply === undefined || outbox === undefined) return
      await dataSource.transaction((manager) => outbox!.enqueue(manager, { message: reply }))
      outbox.kick()
    },
  }
  const pipeline = createInboundPipeline({ codec, dataSource, sink, config, logger })
  const client = createOutboundClient({
    tls,
    logger,
    reconnect: { initialMs: 50, maxMs: 200 },
    ...receiptTimeout,
    receive: async (envelope, context) =>
      pipeline.process(await pipeline.accept(envelope, context)),
  })
  outbox = createOutbox({ dataSource, codec, client, routes, config, logger, audit, pollMs: 50 })
  const server = createTransportServer({
    config,
    tls,
    pipeline,
    routes,
    audit,
    logger,
    ...receiptTimeout,
  })
  await server.start()
  outbox.start()

  const port = () => server.address().port
  return {
    actor,
    loaded,
    dataSource,
    audit,
    codec,
    tls,
    pipeline,
    server,
    outbox,
    client,
    received,
    httpsUri: () => `https://localhost:${port()}${config.transport.http.path}`,
    wssUri: () => `wss://localhost:${port()}${config.transport.ws.path}`,
    async stop() {
      await outbox!.stop()
      await client.close()
      await server.stop()
      tls.close()
      await dataSource.destroy()
    },
  }
}

/** A plaintext message from one actor to another. */
export function message(
  from: Actor,
  to: Actor,
  extra: Partial<PlaintextMessage> = {},
): PlaintextMessage {
  return {
    id: randomUUID(),
    type: 'https://didcomm.org/basicmessage/2.0/message',
    from: from.did,
    to: [to.did],
    created_time: Math.floor(Date.now() / 1000),
    body: { content: 'hello' },
    ...extra,
  }
}

/** Waits until a condition holds, checking every 20 ms (the test's own timeout bounds it). */
export async function until(condition: () => boolean | Promise<boolean>): Promise<void> {
  while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20))
}

function jwkPair(type: 'x25519' | 'ed25519'): {
  pub: Record<string, string>
  priv: Record<string, string>
} {
  const { publicKey, privateKey } =
    type === 'x25519' ? generateKeyPairSync('x25519') : generateKeyPairSync('ed25519')
  const priv = privateKey.export({ format: 'jwk' }) as Record<string, string>
  const pub = publicKey.export({ format: 'jwk' }) as Record<string, string>
  return {
    pub: { kty: pub['kty']!, crv: pub['crv']!, x: pub['x']! },
    priv: { kty: priv['kty']!, crv: priv['crv']!, x: priv['x']!, d: priv['d']! },
  }
}
