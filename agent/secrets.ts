/**
 * The secret that encrypts private keys at rest.
 *
 * It comes from the `PARLEY_SECRET_KEY` environment variable or, failing that, from the key file
 * that `parley init` writes with mode 0600. It is never written into `agent.yml` and never logged.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

import { SecretMissingError } from './errors.js'

/** The environment variable that, when set, takes precedence over the key file. */
export const SECRET_ENV = 'PARLEY_SECRET_KEY'

const SECRET_PATTERN = /^[0-9a-f]{64}$/

/**
 * Reads the at-rest secret: 32 bytes as 64 lowercase hex characters.
 *
 * @throws SecretMissingError (`ERR_CONFIG_SECRET_MISSING`) when neither source has a valid secret,
 *   or the key file can be read by users other than its owner.
 */
export function readSecret(keyFile: string, env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env[SECRET_ENV]?.trim().toLowerCase()
  if (fromEnv !== undefined && fromEnv !== '') {
    if (!SECRET_PATTERN.test(fromEnv)) {
      throw new SecretMissingError(`${SECRET_ENV} must be 64 hexadecimal characters`)
    }
    return fromEnv
  }

  if (!existsSync(keyFile)) {
    throw new SecretMissingError(`no ${SECRET_ENV} and no key file at ${keyFile}; run parley init`)
  }

  if ((statSync(keyFile).mode & 0o077) !== 0) {
    throw new SecretMissingError(`${keyFile} is readable by others; chmod 600 it`)
  }

  const fromFile = readFileSync(keyFile, 'utf8').trim().toLowerCase()
  if (!SECRET_PATTERN.test(fromFile)) {
    throw new SecretMissingError(`${keyFile} does not hold 64 hexadecimal characters`)
  }

  return fromFile
}

/**
 * Creates a new random secret in `keyFile` with mode 0600, unless one exists already.
 *
 * @returns whether a new file was written.
 */
export function createSecretFile(keyFile: string): boolean {
  if (existsSync(keyFile)) return false

  mkdirSync(dirname(keyFile), { recursive: true, mode: 0o700 })
  writeFileSync(keyFile, `${randomBytes(32).toString('hex')}\n`, { mode: 0o600, flag: 'wx' })
  chmodSync(keyFile, 0o600)
  return true
}
