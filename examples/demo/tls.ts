/**
 * HTTPS requests to an agent's mutual-TLS server from outside any agent: as a holder presenting
 * its client certificate, and as a stranger presenting none.
 */
import { readFileSync } from 'node:fs'
import { request } from 'node:https'

/** What an HTTPS request ended with: an answer, or an error before any answer. */
export type HttpsOutcome =
  | { kind: 'response'; status: number; contentType: string; body: string }
  | { kind: 'error'; code: string; message: string }

/** PEM files of a client: its certificate and key (absent for none), and the CA to trust. */
export interface ClientFiles {
  ca: string
  cert?: string
  key?: string
}

/**
 * Sends `GET url` over HTTPS, trusting only the given CA and presenting the given client
 * certificate, if any. Never throws: a refused handshake is an `error` outcome.
 */
export function httpsGet(
  url: string,
  files: ClientFiles,
  timeoutMs = 10_000,
): Promise<HttpsOutcome> {
  return new Promise((resolve) => {
    const req = request(url, {
      method: 'GET',
      agent: false,
      ca: readFileSync(files.ca),
      ...(files.cert === undefined ? {} : { cert: readFileSync(files.cert) }),
      ...(files.key === undefined ? {} : { key: readFileSync(files.key) }),
      timeout: timeoutMs,
    })
    req.on('response', (res) => {
      const chunks: Buffer[] = []
      res.on('data', (chunk: Buffer) => chunks.push(chunk))
      res.on('end', () =>
        resolve({
          kind: 'response',
          status: res.statusCode ?? 0,
          contentType: String(res.headers['content-type'] ?? ''),
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      )
    })
    req.on('timeout', () =>
      req.destroy(Object.assign(new Error('timed out'), { code: 'ETIMEDOUT' })),
    )
    req.on('error', (error: Error & { code?: string }) =>
      resolve({ kind: 'error', code: error.code ?? 'UNKNOWN', message: error.message }),
    )
    req.end()
  })
}
