/**
 * TLS material for both directions: read from the files named in `transport.tls`, checked, and
 * reloaded when the files change on disk or on SIGHUP, so that certificates can be rotated and a
 * CA withdrawn while the agent runs.
 */
import { X509Certificate } from 'node:crypto'
import { readFileSync, unwatchFile, watchFile } from 'node:fs'
import { createSecureContext } from 'node:tls'

import type { TlsConfig } from '../config/schema.js'
import type { Logger } from '../logger.js'
import type { AuditLog } from '../audit/log.js'
import { TlsMaterialError } from './errors.js'

/** The PEM contents of one agent's certificate chain, key and trusted CAs. */
export interface TlsMaterial {
  cert: Buffer
  key: Buffer
  ca: Buffer[]
  /** SHA-256 fingerprint of the agent's own certificate. */
  fingerprint256: string
}

/** The current TLS material, kept up to date with the files. */
export interface TlsSource {
  readonly config: TlsConfig
  current(): TlsMaterial
  /**
   * Reads the files again. Returns true when the material was replaced; on a bad file the
   * previous material stays in force, the failure is logged and audited, and false is returned.
   */
  reload(reason: 'file' | 'signal' | 'manual'): Promise<boolean>
  /** Calls a listener with the new material after every successful reload. */
  onReload(listener: (material: TlsMaterial) => void): () => void
  /** Stops watching the files and listening for SIGHUP. */
  close(): void
}

/** Options for {@link createTlsSource}. */
export interface CreateTlsSourceOptions {
  tls: TlsConfig
  /** Resolves a path of `agent.yml` (relative to its folder): `LoadedConfig.fromConfig`. */
  resolve: (path: string) => string
  logger: Logger
  audit?: AuditLog
  /** Poll interval of the file watcher; defaults to 1000 ms. */
  watchIntervalMs?: number
}

/**
 * Loads the TLS material and, when `tls.watch` is on, watches its files; always reloads on
 * SIGHUP.
 *
 * @throws TlsMaterialError (`ERR_TLS_MATERIAL`) when the files cannot be read or do not form
 *   usable TLS material.
 */
export function createTlsSource(options: CreateTlsSourceOptions): TlsSource {
  const { tls, resolve, logger, audit } = options
  const files = [tls.cert, tls.key, ...tls.ca].map(resolve)
  const listeners = new Set<(material: TlsMaterial) => void>()
  let material = loadTlsMaterial(tls, resolve)

  async function reload(reason: 'file' | 'signal' | 'manual'): Promise<boolean> {
    try {
      material = loadTlsMaterial(tls, resolve)
    } catch (error) {
      logger.error({ err: error, reason }, 'TLS material reload failed; keeping the previous')
      await audit?.record({ kind: 'tls.reload_failed', reason, code: TlsMaterialError.code })
      return false
    }

    for (const listener of listeners) listener(material)
    logger.info({ reason, fingerprint: material.fingerprint256 }, 'TLS material reloaded')
    await audit?.record({
      kind: 'tls.reloaded',
      reason,
      fingerprint: material.fingerprint256,
      cas: material.ca.length,
    })
    return true
  }

  const onSignal = (): void => void reload('signal').catch(() => undefined)
  process.on('SIGHUP', onSignal)

  const onFileChange = (): void => void reload('file').catch(() => undefined)
  const interval = options.watchIntervalMs ?? 1000
  if (tls.watch) for (const file of files) watchFile(file, { interval }, onFileChange)

  return {
    config: tls,
    current: () => material,
    reload,
    onReload(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      process.off('SIGHUP', onSignal)
      if (tls.watch) for (const file of files) unwatchFile(file, onFileChange)
    },
  }
}

/**
 * Reads and checks the certificate, key and CA files named in a TLS configuration.
 *
 * @throws TlsMaterialError (`ERR_TLS_MATERIAL`)
 */
export function loadTlsMaterial(tls: TlsConfig, resolve: (path: string) => string): TlsMaterial {
  let cert: Buffer
  let key: Buffer
  let ca: Buffer[]
  try {
    cert = readFileSync(resolve(tls.cert))
    key = readFileSync(resolve(tls.key))
    ca = tls.ca.map((file) => readFileSync(resolve(file)))
  } catch (cause) {
    // node:fs names the file it could not read (ENOENT ... 'path'); pass that on.
    const reason = cause instanceof Error ? cause.message : String(cause)
    throw new TlsMaterialError(`cannot read the TLS files: ${reason}`, { cause })
  }

  try {
    // Throws when the key does not match the certificate or a PEM block is broken.
    createSecureContext({ cert, key, ca })
    const fingerprint256 = new X509Certificate(cert).fingerprint256
    return { cert, key, ca, fingerprint256 }
  } catch (cause) {
    throw new TlsMaterialError('the TLS certificate, key or CA files are not usable', { cause })
  }
}
