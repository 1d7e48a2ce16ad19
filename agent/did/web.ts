/**
 * did:web resolution: the document is fetched over HTTPS from the DID's domain, with the
 * certificate checked against the system's (or the given) CAs. The fetch is a parameter so that
 * tests can serve a document from a local HTTPS server with a test CA.
 *
 * @see https://w3c-ccg.github.io/did-method-web/#read-resolve
 */
import { request } from 'node:https'

import type { DIDDocument, DIDResolutionResult, DIDResolver } from 'did-resolver'

/** Fetches a URL and returns its parsed JSON body, or `null` when the server says 404. */
export type JsonFetch = (url: string) => Promise<unknown>

/** Options for {@link httpsJsonFetch}. */
export interface HttpsJsonFetchOptions {
  /** PEM CAs to trust instead of the system's. */
  ca?: string | string[]
  timeoutMs?: number
  /** Larger bodies are refused. Default 256 KiB. */
  maxBytes?: number
}

/**
 * The URL a did:web DID's document is served at.
 *
 * @throws TypeError when the DID is not a did:web DID.
 */
export function didWebUrl(did: string): string {
  const match = /^did:web:([^:#?/]+)((?::[^:#?/]+)*)$/.exec(did)
  if (match === null) throw new TypeError(`${did} is not a valid did:web DID`)

  const host = decodeURIComponent(match[1] as string)
  const path = (match[2] as string).split(':').filter(Boolean).map(decodeURIComponent)
  return path.length === 0
    ? `https://${host}/.well-known/did.json`
    : `https://${host}/${path.join('/')}/did.json`
}

/** A {@link JsonFetch} over node:https; certificates are always checked. */
export function httpsJsonFetch(options: HttpsJsonFetchOptions = {}): JsonFetch {
  const maxBytes = options.maxBytes ?? 256 * 1024
  const timeout = options.timeoutMs ?? 10_000

  return (url) =>
    new Promise((resolve, reject) => {
      const req = request(url, { method: 'GET', ca: options.ca, timeout }, (res) => {
        if (res.statusCode === 404) {
          res.resume()
          resolve(null)
          return
        }
        if (res.statusCode !== 200) {
          res.resume()
          reject(new Error(`GET ${url} answered ${res.statusCode}`))
          return
        }

        const chunks: Buffer[] = []
        let size = 0
        res.on('data', (chunk: Buffer) => {
          size += chunk.length
          if (size > maxBytes) req.destroy(new Error(`${url} is larger than ${maxBytes} bytes`))
          else chunks.push(chunk)
        })
        res.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')))
          } catch (cause) {
            reject(new Error(`${url} is not JSON`, { cause }))
          }
        })
        res.on('error', reject)
      })
      req.on('timeout', () => req.destroy(new Error(`GET ${url} timed out`)))
      req.on('error', reject)
      req.end()
    })
}

/**
 * A did-resolver method resolver for did:web over the given fetch. A document whose `id` is not
 * the DID is refused.
 */
export function didWebResolver(fetch: JsonFetch = httpsJsonFetch()): DIDResolver {
  return async (did): Promise<DIDResolutionResult> => {
    let url: string
    try {
      url = didWebUrl(did)
    } catch (error) {
      return failure('invalidDid', (error as Error).message)
    }

    let body: unknown
    try {
      body = await fetch(url)
    } catch (error) {
      return failure('notFound', `cannot fetch ${url}: ${(error as Error).message}`)
    }

    if (body === null) return failure('notFound', `${url} does not exist`)
    if (typeof body !== 'object' || (body as DIDDocument).id !== did) {
      return failure('notFound', `${url} does not hold the document of ${did}`)
    }

    return {
      didDocument: body as DIDDocument,
      didDocumentMetadata: {},
      didResolutionMetadata: { contentType: 'application/did+json' },
    }
  }
}

function failure(error: string, message: string): DIDResolutionResult {
  return { didDocument: null, didDocumentMetadata: {}, didResolutionMetadata: { error, message } }
}
