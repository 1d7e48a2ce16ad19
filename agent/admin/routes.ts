/**
 * The admin API's routes over the engine: connections, invitations, pings, feature discovery
 * and threads. Other areas add their own routes with the same {@link AdminRoute} shape.
 */
import type { Engine } from '../../protocols/engine/engine.js'
import type { ProtocolRecord } from '../../protocols/engine/types.js'
import { AdminBadRequestError, AdminNotFoundError } from './errors.js'

/** What a route handler receives. */
export interface AdminRequest {
  /** Path parameters, from `:name` segments. */
  params: Record<string, string>
  query: URLSearchParams
  /** The parsed JSON body (an empty object when there is none). */
  body: Record<string, unknown>
}

/** What a route handler answers; `status` defaults to 200. */
export interface AdminResponse {
  status?: number
  body: unknown
}

/** One route: method, path with `:name` parameters, handler. */
export interface AdminRoute {
  method: 'GET' | 'POST' | 'DELETE'
  path: string
  handle(request: AdminRequest): Promise<AdminResponse>
  /** Its one-line description in `/openapi.json`. */
  summary?: string
  /** JSON Schema properties of its request body, for `/openapi.json`. */
  body?: Record<string, unknown>
}

/** How long `wait: true` requests wait for a thread to finish, by default. */
const DEFAULT_WAIT_MS = 10_000
/** The longest a request may wait for a thread: ten minutes. */
const MAX_WAIT_MS = 600_000

/** The engine's routes. */
export function engineRoutes(engine: Engine): AdminRoute[] {
  return [
    {
      method: 'GET',
      path: '/connections',
      handle: async () => ({ body: await engine.connections() }),
    },
    {
      method: 'GET',
      path: '/invitations',
      handle: async () => ({ body: await engine.invitations() }),
    },
    {
      method: 'POST',
      path: '/invitations',
      handle: async ({ body }) => {
        const created = await engine.createInvitation({
          ...optional('goalCode', stringField(body, 'goalCode')),
          ...optional('goal', stringField(body, 'goal')),
          ...optional('multiUse', booleanField(body, 'multiUse')),
          ...optional('expiresInSeconds', numberField(body, 'expiresInSeconds')),
          ...optional('attachments', body['attachments'] as never),
        })
        return { status: 201, body: created }
      },
    },
    {
      method: 'POST',
      path: '/invitations/accept',
      handle: async ({ body }) => {
        const url = requiredString(body, 'url')
        const { invitation, record } = await engine.acceptInvitation(url)
        return { status: 202, body: { invitation, thread: await maybeWait(engine, record, body) } }
      },
    },
    {
      method: 'POST',
      path: '/pings',
      handle: async ({ body }) => {
        const record = await engine.ping(requiredString(body, 'did'), {
          responseRequested: booleanField(body, 'responseRequested') ?? true,
        })
        return { status: 202, body: await maybeWait(engine, record, body) }
      },
    },
    {
      method: 'POST',
      path: '/features',
      handle: async ({ body }) => {
        const queries = body['queries']
        if (queries !== undefined && !Array.isArray(queries)) {
          throw new AdminBadRequestError('queries must be a list')
        }
        const record = await engine.discoverFeatures(requiredString(body, 'did'), queries as never)
        return { status: 202, body: await maybeWait(engine, record, body) }
      },
    },
    {
      method: 'GET',
      path: '/threads',
      handle: async ({ query }) => {
        const filter: Record<string, string> = {}
        for (const key of ['protocol', 'state', 'peerDid']) {
          const value = query.get(key)
          if (value !== null) filter[key] = value
        }
        return { body: await engine.threads(filter) }
      },
    },
    {
      method: 'GET',
      path: '/threads/:thid',
      handle: async ({ params }) => {
        const thread = await engine.thread(params['thid'] ?? '')
        if (thread === undefined) throw new AdminNotFoundError(`no thread ${params['thid']}`)
        return { body: thread }
      },
    },
  ]
}

/**
 * With `wait: true`, resolves once the thread is final or `waitMs` passed (at most ten minutes),
 * whichever comes first.
 */
export async function maybeWait(
  engine: Engine,
  record: ProtocolRecord,
  body: Record<string, unknown>,
): Promise<ProtocolRecord> {
  if (body['wait'] !== true) return record

  const waitMs = Math.min(numberField(body, 'waitMs') ?? DEFAULT_WAIT_MS, MAX_WAIT_MS)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), waitMs)
  })
  const final = await Promise.race([engine.waitForFinal(record.thid), timeout])
  clearTimeout(timer)
  return final ?? (await engine.thread(record.thid))?.record ?? record
}

/** The body fields of a route that can wait for its thread to end (see {@link maybeWait}). */
export const WAIT_FIELDS = { wait: { type: 'boolean' }, waitMs: { type: 'integer', minimum: 1 } }

/** `{ [key]: value }`, or `{}` when the value is undefined. */
export function optional<K extends string, V>(key: K, value: V | undefined): { [k in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [k in K]?: V }
}

/**
 * A non-empty string field of a body.
 *
 * @throws AdminBadRequestError (`ERR_ADMIN_BAD_REQUEST`) when it is missing, empty or not a string.
 */
export function requiredString(body: Record<string, unknown>, key: string): string {
  const value = stringField(body, key)
  if (value === undefined || value === '') throw new AdminBadRequestError(`${key} is required`)
  return value
}

/** An optional string field; throws `ERR_ADMIN_BAD_REQUEST` when it is not a string. */
export function stringField(body: Record<string, unknown>, key: string): string | undefined {
  const value = body[key]
  if (value === undefined) return undefined
  if (typeof value !== 'string') throw new AdminBadRequestError(`${key} must be a string`)
  return value
}

function booleanField(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = body[key]
  if (value === undefined) return undefined
  if (typeof value !== 'boolean') throw new AdminBadRequestError(`${key} must be a boolean`)
  return value
}

/** An optional positive integer; throws `ERR_ADMIN_BAD_REQUEST` when it is not one. */
export function numberField(body: Record<string, unknown>, key: string): number | undefined {
  const value = body[key]
  if (value === undefined) return undefined
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new AdminBadRequestError(`${key} must be a positive integer`)
  }
  return value
}
