/**
 * The admin API client the CLI uses: the agent's address and token read from its agent.yml.
 */
import { readFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'

import { loadConfig, type LoadedConfig } from '../config/load.js'
import { ParleyError } from '../errors.js'
import { AdminUnreachableError } from './errors.js'
import { readAdminToken } from './token.js'

/** A connection to one running agent's admin API. */
export interface AdminClient {
  get<T = unknown>(path: string): Promise<T>
  post<T = unknown>(path: string, body: unknown): Promise<T>
  delete<T = unknown>(path: string): Promise<T>
}

/** An error answered by the admin API, with the agent's code. */
export class AdminRequestError extends ParleyError {
  static override readonly code = 'ERR_ADMIN_REQUEST_FAILED'

  /** The code the agent answered with. */
  readonly remoteCode: string
  readonly status: number

  constructor(status: number, remoteCode: string, message: string) {
    super(`${remoteCode}: ${message}`)
    this.status = status
    this.remoteCode = remoteCode
  }
}

/**
 * Creates a client from an agent.yml: `admin.host`, `admin.port`, `admin.tls` and the token file.
 *
 * @throws ConfigInvalidError (`ERR_CONFIG_INVALID`) for a bad agent.yml.
 * @throws AdminTokenMissingError (`ERR_ADMIN_TOKEN_MISSING`) without a token file.
 */
export function adminClientFromConfig(configPath: string): AdminClient {
  return adminClientFromLoaded(loadConfig(configPath))
}

/** Creates a client from an already loaded agent.yml. */
export function adminClientFromLoaded(loaded: LoadedConfig): AdminClient {
  const { admin } = loaded.config
  const token = readAdminToken(loaded.fromData(admin.tokenFile))
  const ca = admin.tls === undefined ? undefined : readFileSync(loaded.fromConfig(admin.tls.cert))
  const host = admin.host.includes(':') ? `[${admin.host}]` : admin.host
  const base = `${admin.tls === undefined ? 'http' : 'https'}://${host}:${admin.port}`
  return createAdminClient(base, token, ca)
}

/** Creates a client for a base URL and token; `ca` pins the admin HTTPS certificate. */
export function createAdminClient(base: string, token: string, ca?: Buffer): AdminClient {
  const call = <T>(method: string, path: string, body?: unknown): Promise<T> =>
    new Promise((resolve, reject) => {
      const url = new URL(path, base)
      const text = body === undefined ? undefined : JSON.stringify(body)
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest
      const req = send(
        url,
        {
          method,
          headers: {
            authorization: `Bearer ${token}`,
            ...(text === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(ca === undefined ? {} : { ca }),
        },
        (res) => {
          const chunks: Buffer[] = []
          res.on('data', (chunk: Buffer) => chunks.push(chunk))
          res.on('end', () => {
            const parsed = JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') as unknown
            const status = res.statusCode ?? 500
            if (status < 300) return resolve(parsed as T)
            const { code, message } = (parsed ?? {}) as { code?: string; message?: string }
            reject(new AdminRequestError(status, code ?? 'ERR_PARLEY', message ?? `HTTP ${status}`))
          })
        },
      )
      req.on('error', (cause) =>
        reject(
          new AdminUnreachableError(`cannot reach the agent at ${base}; is it running?`, { cause }),
        ),
      )
      req.end(text)
    })

  return {
    get: (path) => call('GET', path),
    post: (path, body) => call('POST', path, body),
    delete: (path) => call('DELETE', path),
  }
}
