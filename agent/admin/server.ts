/**
 * The admin API server: JSON over HTTP on loopback by default, or HTTPS with the configured
 * certificate. Every route but `GET /openapi.json` requires the bearer token; a request without
 * it is refused before any route runs.
 */
import { readFileSync } from 'node:fs'
import {
  createServer as createHttpServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'

import type { Logger } from 'pino'

import type { AgentConfig } from '../config/schema.js'
import { isParleyError } from '../errors.js'
import { ProtocolProblemError } from '../../protocols/engine/errors.js'
import { AdminBadRequestError, AdminNotFoundError, AdminUnauthorizedError } from './errors.js'
import { openApiDocument } from './openapi.js'
import type { AdminRequest, AdminRoute } from './routes.js'
import { bearerMatches } from './token.js'

/** Options for {@link createAdminServer}. */
export interface CreateAdminServerOptions {
  /** The `admin` section of agent.yml. */
  admin: AgentConfig['admin']
  token: string
  routes: AdminRoute[]
  logger: Logger
  /** Resolves the TLS file paths of `admin.tls` (relative to agent.yml). */
  resolvePath?: (path: string) => string
}

/** A running (or ready) admin server. */
export interface AdminServer {
  /** Listens on `admin.host`:`admin.port` (0 picks a free port); resolves with the address. */
  start(): Promise<{ host: string; port: number }>
  stop(): Promise<void>
  /** `http://host:port` or `https://host:port`, once started. */
  url(): string
}

/** Largest accepted request body. */
const MAX_BODY_BYTES = 1024 * 1024

/** Creates the admin server; nothing listens until `start`. */
export function createAdminServer(options: CreateAdminServerOptions): AdminServer {
  const { admin, logger } = options
  const log = logger.child({ module: 'admin' })
  const resolve = options.resolvePath ?? ((p: string) => p)
  const compiled = options.routes.map((route) => ({ route, match: compilePath(route.path) }))
  const document = openApiDocument(options.routes)

  const listener = (req: IncomingMessage, res: ServerResponse): void => {
    void respond(req, res).catch((error: unknown) => {
      log.error({ err: error }, 'admin request failed')
      if (!res.headersSent) send(res, 500, { code: 'ERR_PARLEY', message: 'internal error' })
    })
  }

  const server: Server =
    admin.tls === undefined
      ? createHttpServer(listener)
      : createHttpsServer(
          {
            cert: readFileSync(resolve(admin.tls.cert)),
            key: readFileSync(resolve(admin.tls.key)),
          },
          listener,
        )

  async function respond(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://admin.invalid')
    const method = req.method ?? 'GET'

    if (method === 'GET' && url.pathname === '/openapi.json') return send(res, 200, document)

    try {
      if (!bearerMatches(options.token, req.headers.authorization)) {
        throw new AdminUnauthorizedError('a valid bearer token is required')
      }

      const found = findRoute(compiled, method, url.pathname)
      if (found === undefined) throw new AdminNotFoundError(`no route ${method} ${url.pathname}`)

      const request: AdminRequest = {
        params: found.params,
        query: url.searchParams,
        body: await readJson(req),
      }
      const started = Date.now()
      const answer = await found.route.handle(request)
      log.info(
        {
          method,
          path: found.route.path,
          status: answer.status ?? 200,
          durationMs: Date.now() - started,
        },
        'admin request',
      )
      send(res, answer.status ?? 200, answer.body)
    } catch (error) {
      const status = statusOf(error)
      if (status >= 500)
        log.error({ method, path: url.pathname, err: error }, 'admin request failed')
      else
        log.warn(
          { method, path: url.pathname, code: isParleyError(error) ? error.code : undefined },
          'admin request refused',
        )
      send(
        res,
        status,
        isParleyError(error) && status < 500
          ? error.toJSON()
          : { code: 'ERR_PARLEY', message: 'internal error' },
      )
    }
  }

  return {
    start: () =>
      new Promise((resolveStart, reject) => {
        server.once('error', reject)
        server.listen(admin.port, admin.host, () => {
          server.off('error', reject)
          const address = server.address() as AddressInfo
          log.info(
            { host: address.address, port: address.port, tls: admin.tls !== undefined },
            'admin API listening',
          )
          resolveStart({ host: address.address, port: address.port })
        })
      }),
    stop: () =>
      new Promise((resolveStop) => {
        server.closeAllConnections()
        server.close(() => resolveStop())
      }),
    url() {
      const address = server.address() as AddressInfo | null
      if (address === null) throw new TypeError('the admin server is not listening')
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
      return `${admin.tls === undefined ? 'http' : 'https'}://${host}:${address.port}`
    },
  }
}

function statusOf(error: unknown): number {
  if (error instanceof AdminUnauthorizedError) return 401
  if (error instanceof AdminBadRequestError) return 400
  if (error instanceof AdminNotFoundError) return 404
  if (isParleyError(error) && error.code.endsWith('_NOT_FOUND')) return 404
  if (isParleyError(error) && error.code === 'ERR_STORAGE_CONFLICT') return 409
  if (error instanceof ProtocolProblemError) return 422
  if (isParleyError(error) && error.code.startsWith('ERR_OOB_')) return 422
  return 500
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body)
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
  })
  res.end(text)
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of req) {
    size += (chunk as Buffer).length
    if (size > MAX_BODY_BYTES) throw new AdminBadRequestError('the request body is too large')
    chunks.push(chunk as Buffer)
  }

  const text = Buffer.concat(chunks).toString('utf8')
  if (text.trim() === '') return {}

  let body: unknown
  try {
    body = JSON.parse(text)
  } catch (cause) {
    throw new AdminBadRequestError('the request body is not JSON', { cause })
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new AdminBadRequestError('the request body must be a JSON object')
  }
  return body as Record<string, unknown>
}

type Compiled = { route: AdminRoute; match: (path: string) => Record<string, string> | undefined }

function compilePath(path: string): Compiled['match'] {
  const names: string[] = []
  const pattern = path.replace(/:([a-zA-Z]+)/g, (_whole, name: string) => {
    names.push(name)
    return '([^/]+)'
  })
  const regex = new RegExp(`^${pattern}$`)
  return (candidate) => {
    const m = regex.exec(candidate)
    if (m === null) return undefined
    return Object.fromEntries(names.map((name, i) => [name, decodeSegment(m[i + 1] ?? '')]))
  }
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment)
  } catch (cause) {
    throw new AdminBadRequestError(`the path segment ${segment} is not valid percent-encoding`, {
      cause,
    })
  }
}

function findRoute(
  routes: Compiled[],
  method: string,
  path: string,
): { route: AdminRoute; params: Record<string, string> } | undefined {
  for (const { route, match } of routes) {
    if (route.method !== method) continue
    const params = match(path)
    if (params !== undefined) return { route, params }
  }
  return undefined
}
