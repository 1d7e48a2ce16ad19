/**
 * The HTTPS side of the inbound transport: one POST per DIDComm message.
 *
 * Answers: `202` once the message is unpacked, checked and stored; `200` with the packed reply
 * when the message asked for `return_route` and a reply was ready; `415` for another media type;
 * `413` above `transport.http.maxBodyBytes`; `400` for an envelope that cannot be unpacked; `429`
 * with `Retry-After` over the client's rate limit; `403` for a certificate or sender that policy
 * refuses; `409` for a message already accepted. Every error body is `{ code, message }`.
 * `GET /resources/<name>` is answered by the `resources` option when one is given.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#https
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { TLSSocket } from 'node:tls'

import type { AuditLog } from '../audit/log.js'
import type { AgentConfig, TlsConfig } from '../config/schema.js'
import type { DidcommMediaType } from '../didcomm/types.js'
import { isParleyError } from '../errors.js'
import type { InboundPipeline } from '../inbound/pipeline.js'
import type { InboundContext, PeerCertificateInfo } from '../inbound/types.js'
import type { Logger } from '../logger.js'
import {
  httpStatusOf,
  TransportMediaTypeError,
  TransportNotFoundError,
  TransportRateLimitedError,
  TransportTooLargeError,
} from './errors.js'
import { checkOncePerConnection } from './peer.js'
import type { RateLimiter } from './rate-limit.js'
import { recordRefusal } from './refusal.js'
import type { ReturnRoutes } from './return-route.js'

/** What the HTTPS handler needs. */
export interface HttpHandlerOptions {
  config: AgentConfig
  tls: TlsConfig
  pipeline: InboundPipeline
  limiter: RateLimiter
  routes?: ReturnRoutes
  audit?: AuditLog
  logger: Logger
  /** This agent's did:web document, served at `/.well-known/did.json`. */
  didDocument?: () => Promise<object | undefined>
  /** Tracks work that outlives the response, so that stop() can drain it. */
  track: (work: Promise<unknown>) => void
  /** Serves `GET /resources/<name>`; absent: that path is not served (404). */
  resources?: (request: ResourceRequest) => Promise<ResourceResponse>
}

/** A request for a protected resource, from a client whose certificate passed the checks. */
export interface ResourceRequest {
  name: string
  certificate: PeerCertificateInfo
  remoteAddress: string
}

/** The JSON answer to a {@link ResourceRequest}. */
export interface ResourceResponse {
  status: number
  body: unknown
}

const RESOURCES_PREFIX = '/resources/'

const ENVELOPE_TYPES = ['application/didcomm-encrypted+json', 'application/didcomm-signed+json']
const PLAIN_TYPE = 'application/didcomm-plain+json'

/** Creates the request listener of the TLS server. */
export function createHttpHandler(
  options: HttpHandlerOptions,
): (req: IncomingMessage, res: ServerResponse) => void {
  const { config, tls, pipeline, limiter, routes, audit, logger } = options
  const { path, maxBodyBytes } = config.transport.http
  const mediaTypes = config.didcomm.allowPlaintext
    ? [...ENVELOPE_TYPES, PLAIN_TYPE]
    : ENVELOPE_TYPES
  const checkCertificate = checkOncePerConnection()

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const socket = req.socket as TLSSocket
    const remoteAddress = socket.remoteAddress ?? 'unknown'
    const context: InboundContext = { transport: 'https', remoteAddress }

    const refuse = async (error: unknown, headers: Record<string, string> = {}): Promise<void> => {
      const code = isParleyError(error) ? error.code : 'ERR_INTERNAL'
      const status = httpStatusOf(code)
      const message = error instanceof Error ? error.message : 'internal error'
      if (status === 500) logger.error({ err: error }, 'request failed')
      const refusal = { transport: 'https' as const, code, status, remoteAddress, reason: message }
      const withCert = context.certificate
        ? { ...refusal, certificate: context.certificate }
        : refusal
      await recordRefusal(withCert, audit, logger)
      sendJson(res, status, { code, message: status === 500 ? 'internal error' : message }, headers)
    }

    try {
      context.certificate = checkCertificate(socket, tls)
    } catch (error) {
      return refuse(error)
    }

    const url = new URL(req.url ?? '/', 'https://localhost')
    if (req.method === 'GET' && url.pathname === '/.well-known/did.json' && options.didDocument) {
      const document = await options.didDocument()
      if (document !== undefined) return sendJson(res, 200, document)
    }

    if (options.resources && req.method === 'GET' && url.pathname.startsWith(RESOURCES_PREFIX)) {
      if (!limiter.take(context.certificate.fingerprint256).allowed) {
        return refuse(new TransportRateLimitedError('too many requests'))
      }
      // Matched as written: resource names in agent.yml are plain tokens.
      const name = url.pathname.slice(RESOURCES_PREFIX.length)
      const answer = await options.resources({
        name,
        certificate: context.certificate,
        remoteAddress,
      })
      return sendJson(res, answer.status, answer.body)
    }

    if (url.pathname !== path || req.method !== 'POST') {
      return refuse(new TransportNotFoundError(`no ${req.method} ${url.pathname} here`))
    }

    const rate = limiter.take(context.certificate.fingerprint256)
    if (!rate.allowed) {
      const retryAfter = String(rate.retryAfterSeconds)
      return refuse(new TransportRateLimitedError('too many requests'), {
        'retry-after': retryAfter,
      })
    }

    const mediaType = (req.headers['content-type'] ?? '').split(';', 1)[0]?.trim().toLowerCase()
    if (mediaType === undefined || !mediaTypes.includes(mediaType)) {
      return refuse(new TransportMediaTypeError(`media type ${mediaType || 'none'} not accepted`))
    }

    const declared = Number(req.headers['content-length'] ?? 0)
    if (declared > maxBodyBytes) {
      res.setHeader('connection', 'close')
      return refuse(new TransportTooLargeError(`body above ${maxBodyBytes} bytes`))
    }

    let body: string
    try {
      body = await readBody(req, maxBodyBytes)
    } catch (error) {
      res.setHeader('connection', 'close')
      return refuse(error)
    }

    let accepted
    try {
      accepted = await pipeline.accept(body, context)
    } catch (error) {
      return refuse(error)
    }

    const { identity, returnRoute } = accepted
    if (returnRoute === 'none' || identity === undefined || routes === undefined) {
      sendJson(res, 202, undefined)
      options.track(pipeline.process(accepted))
      return
    }

    // return_route: the reply travels back in this response, when the engine produced one.
    let reply: { packed: string; mediaType: DidcommMediaType } | undefined
    const release = routes.hold(identity, {
      transport: 'https',
      send: async (packed, type) => {
        if (reply !== undefined) throw new Error('the response already carries a reply')
        reply = { packed, mediaType: type }
        release()
      },
    })
    try {
      await pipeline.process(accepted)
      await routes.flush(identity)
    } finally {
      release()
    }

    if (reply === undefined) return sendJson(res, 202, undefined)
    res.writeHead(200, { 'content-type': reply.mediaType })
    res.end(reply.packed)
  }

  return (req, res) => {
    const work = handle(req, res).catch((err: unknown) => {
      logger.error({ err }, 'request handler failed')
      if (!res.headersSent) sendJson(res, 500, { code: 'ERR_INTERNAL', message: 'internal error' })
    })
    options.track(work)
  }
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    req.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) {
        req.pause()
        reject(new TransportTooLargeError(`body above ${limit} bytes`))
        return
      }
      chunks.push(chunk)
    })
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    req.on('error', reject)
  })
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) return
  if (body === undefined) {
    res.writeHead(status, headers)
    res.end()
    return
  }
  res.writeHead(status, { ...headers, 'content-type': 'application/json' })
  res.end(JSON.stringify(body))
}
