/**
 * The OpenAPI 3.1 document of the admin API, served at `GET /openapi.json`. Paths come from the
 * registered routes; the engine's routes carry their request and response descriptions here.
 */
import type { AdminRoute } from './routes.js'

/** Descriptions of the engine's routes, by `METHOD path`. */
const DESCRIBED: Record<string, { summary: string; body?: Record<string, unknown> }> = {
  'GET /connections': { summary: 'List connections, most recently seen first' },
  'GET /invitations': { summary: 'List the out-of-band invitations this agent created' },
  'POST /invitations': {
    summary: 'Create an out-of-band 2.0 invitation; answers {id, url, invitation}',
    body: {
      goalCode: { type: 'string' },
      goal: { type: 'string' },
      multiUse: { type: 'boolean', default: false },
      expiresInSeconds: { type: 'integer', minimum: 1 },
      attachments: { type: 'array', items: { type: 'object' } },
    },
  },
  'POST /invitations/accept': {
    summary: 'Accept an invitation URL (_oob= or oob=) or its JSON',
    body: { url: { type: 'string' }, wait: { type: 'boolean' }, waitMs: { type: 'integer' } },
  },
  'POST /pings': {
    summary: 'Send a trust ping 2.0; with wait, answer once the thread is final',
    body: {
      did: { type: 'string' },
      responseRequested: { type: 'boolean', default: true },
      wait: { type: 'boolean' },
      waitMs: { type: 'integer' },
    },
  },
  'POST /features': {
    summary: "Query a peer's features with discover-features 2.0",
    body: {
      did: { type: 'string' },
      queries: { type: 'array', items: { type: 'object' } },
      wait: { type: 'boolean' },
      waitMs: { type: 'integer' },
    },
  },
  'GET /threads': { summary: 'List protocol threads, filtered by protocol, state or peerDid' },
  'GET /threads/{thid}': { summary: 'One protocol thread with its message log' },
}

const ERROR = {
  description: 'A coded error',
  content: {
    'application/json': {
      schema: {
        type: 'object',
        properties: { code: { type: 'string' }, message: { type: 'string' } },
        required: ['code', 'message'],
      },
    },
  },
}

/** Builds the OpenAPI document for a route list. */
export function openApiDocument(routes: readonly AdminRoute[]): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {}

  for (const route of routes) {
    const path = route.path.replace(/:([a-zA-Z]+)/g, '{$1}')
    const described = route.summary
      ? { summary: route.summary, ...(route.body === undefined ? {} : { body: route.body }) }
      : DESCRIBED[`${route.method} ${path}`]
    const operation: Record<string, unknown> = {
      summary: described?.summary ?? `${route.method} ${path}`,
      responses: {
        '200': { description: 'Success', content: { 'application/json': {} } },
        '400': ERROR,
        '401': ERROR,
        '404': ERROR,
        '422': ERROR,
      },
    }
    const parameters = [...path.matchAll(/\{([a-zA-Z]+)\}/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }))
    if (parameters.length > 0) operation['parameters'] = parameters
    if (described?.body !== undefined) {
      operation['requestBody'] = {
        content: { 'application/json': { schema: { type: 'object', properties: described.body } } },
      }
    }
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operation }
  }

  return {
    openapi: '3.1.0',
    info: { title: 'Parley admin API', version: '0.1.0' },
    components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
    security: [{ bearer: [] }],
    paths,
  }
}
