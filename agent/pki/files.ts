/**
 * Writing and reading the development PKI's files: certificates with mode 0644, private keys with
 * mode 0600, never overwriting unless asked.
 */
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import {
  createCa,
  issueCertificate,
  type CertificateAuthority,
  type IssueCertificateOptions,
} from './dev-pki.js'
import { PkiCaMissingError, PkiExistsError } from './errors.js'

/** Where a certificate and its key were written. */
export interface WrittenPair {
  cert: string
  key: string
}

/**
 * Creates a CA in `dir` as `ca.crt` and `ca.key`.
 *
 * @throws PkiExistsError (`ERR_PKI_EXISTS`) when either file exists and `force` is not set.
 */
export async function writeCa(
  dir: string,
  options: { commonName?: string; force?: boolean } = {},
): Promise<WrittenPair> {
  const paths = { cert: join(dir, 'ca.crt'), key: join(dir, 'ca.key') }
  refuseOverwrite(paths, options.force)
  const ca = await createCa(
    options.commonName === undefined ? {} : { commonName: options.commonName },
  )
  writePair(dir, paths, ca)
  return paths
}

/**
 * Reads the CA written by {@link writeCa}.
 *
 * @throws PkiCaMissingError (`ERR_PKI_CA_MISSING`)
 */
export function readCa(dir: string): CertificateAuthority {
  try {
    const cert = readFileSync(join(dir, 'ca.crt'), 'utf8')
    const key = readFileSync(join(dir, 'ca.key'), 'utf8')
    return { cert, key, name: '' }
  } catch (cause) {
    throw new PkiCaMissingError(`no development CA in ${dir}`, { cause })
  }
}

/**
 * Issues a certificate from the CA in `caDir` and writes it as `<name>.crt` and `<name>.key`.
 *
 * @throws PkiCaMissingError (`ERR_PKI_CA_MISSING`)
 * @throws PkiExistsError (`ERR_PKI_EXISTS`)
 */
export async function writeCertificate(
  caDir: string,
  outDir: string,
  name: string,
  options: IssueCertificateOptions & { force?: boolean },
): Promise<WrittenPair> {
  const paths = { cert: join(outDir, `${name}.crt`), key: join(outDir, `${name}.key`) }
  refuseOverwrite(paths, options.force)
  const pair = await issueCertificate(readCa(caDir), options)
  writePair(outDir, paths, pair)
  return paths
}

function refuseOverwrite(paths: WrittenPair, force = false): void {
  if (force) return
  const existing = [paths.cert, paths.key].find((path) => existsSync(path))
  if (existing !== undefined) throw new PkiExistsError(`${existing} exists`)
}

function writePair(dir: string, paths: WrittenPair, pem: { cert: string; key: string }): void {
  mkdirSync(dir, { recursive: true })
  writeFileSync(paths.cert, pem.cert, { mode: 0o644 })
  writeFileSync(paths.key, pem.key, { mode: 0o600 })
  // writeFileSync keeps the mode of a file it overwrites.
  chmodSync(paths.key, 0o600)
}
