/**
 * The inbound TLS server of one agent: HTTPS and WebSocket on one port, with mutual TLS.
 *
 * The server demands a client certificate and refuses at the handshake any that does not chain to
 * the CAs of `transport.tls.ca`, is expired, or does not allow client authentication; every
 * handshake refusal is logged and audited (`tls.handshake_refused`). Certificate, key and CA files
 * are swapped in with `setSecureContext` when the {@link TlsSource} reloads them, so new
 * handshakes use the new material while established connections carry on.
 *
 * Slow or abusive clients are cut off by `headersTimeout`, `requestTimeout`, `keepAliveTimeout`,
 * a handshake timeout and `maxConnections`.
 */
import { createServer, type Server } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { X509Certificate } from 'node:crypto'

import type { AuditLog } from '../audit/log.js'
import type { AgentConfig } from '../config/schema.js'
import type { InboundPipeline } from '../inbound/pipeline.js'
import type { Logger } from '../logger.js'
import { TlsHandshakeRefusedError } from './errors.js'
import { createHttpHandler, type HttpHandlerOptions } from './http-handler.js'
import { createRateLimiter } from './rate-limit.js'
import type { ReturnRoutes } from './return-route.js'
import type { TlsMaterial, TlsSource } from './tls.js'
import { createWsHandler } from './ws-handler.js'

/** A running (or stopped) inbound server. */
export interface TransportServer {
  /** Listens on `transport.host` and `transport.port` (0: any free port). */
  start(): Promise<void>
  /** Stops accepting, closes WebSockets (1001), drains work in flight, closes connections. */
  stop(): Promise<void>
  /** Reads the TLS files again and installs them; false when they were unusable. */
  reload(): Promise<boolean>
  /** The bound address; throws when not listening. */
  address(): AddressInfo
}

/** Options for {@link createTransportServer}. */
export interface CreateTransportServerOptions {
  config: AgentConfig
  /** The agent's TLS material (see `createTlsSource`); shared with the outbound client. */
  tls: TlsSource
  pipeline: InboundPipeline
  /** Live return routes, shared with the outbox. */
  routes?: ReturnRoutes
  audit?: AuditLog
  logger: Logger
  /** This agent's did:web document, served at `/.well-known/did.json`. */
  didDocument?: () => Promise<object | undefined>
  /** Milliseconds a client may take to finish the TLS handshake; defaults to 10 s. */
  handshakeTimeoutMs?: number
  /** Serves `GET /resources/<name>` (see `agent/resources/serve.ts`); absent: not served. */
  resources?: HttpHandlerOptions['resources']
  /** How long a reply on a WebSocket return route waits for the client's receipt (30 s). */
  receiptTimeoutMs?: number
}

/**
 * Creates the inbound server. Nothing listens until {@link TransportServer.start}.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#transports
 */
export function createTransportServer(options: CreateTransportServerOptions): TransportServer {
  const { config, tls, pipeline, routes, audit, logger } = options
  const { http, maxConnections } = config.transport
  const inFlight = new Set<Promise<unknown>>()
  const track = (work: Promise<unknown>): void => {
    inFlight.add(work)
    void work.finally(() => inFlight.delete(work))
  }

  const server: Server = createServer({
    ...secureOptions(tls.current()),
    requestCert: true,
    rejectUnauthorized: true,
    minVersion: tls.config.minVersion,
    handshakeTimeout: options.handshakeTimeoutMs ?? 10_000,
    headersTimeout: http.headersTimeoutMs,
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    // How often node checks the two timeouts above; its default (30 s) would let them overrun.
    connectionsCheckingInterval: Math.max(100, Math.min(30_000, http.headersTimeoutMs / 2)),
  })
  server.maxConnections = maxConnections
  // A connection that completes the handshake and then says nothing is cut after this long too.
  server.timeout = http.requestTimeoutMs

  const common = { config, tls: tls.config, pipeline, audit, logger, track }
  const withRoutes = routes === undefined ? common : { ...common, routes }
  const limiter = createRateLimiter(http.rateLimit.limit, http.rateLimit.windowSeconds)
  const httpOptions = {
    ...withRoutes,
    limiter,
    ...(options.resources ? { resources: options.resources } : {}),
  }
  server.on(
    'request',
    createHttpHandler(
      options.didDocument ? { ...httpOptions, didDocument: options.didDocument } : httpOptions,
    ),
  )
  const ws = createWsHandler(
    options.receiptTimeoutMs === undefined
      ? withRoutes
      : { ...withRoutes, receiptTimeoutMs: options.receiptTimeoutMs },
  )
  server.on('upgrade', ws.upgrade)

  // A refused socket is destroyed before `tlsClientError`: keep each peer's address from the start.
  const addresses = new WeakMap<object, string>()
  server.on('connection', (raw: Socket) => addresses.set(raw, raw.remoteAddress ?? 'unknown'))
  const addressOf = (socket: TLSSocket): string => {
    const parent = (socket as unknown as { _parent?: object })._parent
    return socket.remoteAddress ?? (parent && addresses.get(parent)) ?? 'unknown'
  }

  server.on('tlsClientError', (error: Error & { code?: string }, socket: TLSSocket) => {
    const fields = {
      code: TlsHandshakeRefusedError.code,
      remoteAddress: addressOf(socket),
      // The verification failure (CERT_HAS_EXPIRED, INVALID_PURPOSE ...) where there was one.
      reason: String(socket.authorizationError ?? error.code ?? error.message),
      fingerprint: fingerprintOf(socket),
    }
    logger.warn(fields, 'TLS handshake refused')
    track(
      audit?.record({ kind: 'tls.handshake_refused', ...fields }).catch(() => undefined) ??
        Promise.resolve(),
    )
  })

  const stopWatching = tls.onReload((material) =>
    server.setSecureContext({ ...secureOptions(material), minVersion: tls.config.minVersion }),
  )

  return {
    async start() {
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject)
        server.listen(config.transport.port, config.transport.host, () => {
          server.off('error', reject)
          resolve()
        })
      })
      logger.info({ port: (server.address() as AddressInfo).port }, 'transport listening')
    },

    async stop() {
      stopWatching()
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      ws.close()
      server.closeIdleConnections()
      await Promise.allSettled([...inFlight])
      server.closeAllConnections()
      await closed
      logger.info('transport stopped')
    },

    reload: () => tls.reload('manual'),

    address() {
      const address = server.address()
      if (address === null || typeof address === 'string') throw new TypeError('not listening')
      return address
    },
  }
}

function secureOptions(material: TlsMaterial): { cert: Buffer; key: Buffer; ca: Buffer[] } {
  return { cert: material.cert, key: material.key, ca: material.ca }
}

function fingerprintOf(socket: TLSSocket): string | undefined {
  try {
    const raw = socket.getPeerCertificate(false)?.raw
    return raw === undefined ? undefined : new X509Certificate(raw).fingerprint256
  } catch {
    return undefined
  }
}
