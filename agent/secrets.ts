/**
 * The secret that encrypts private keys at rest.
 *
 * It comes from the `PARLEY_SECRET_KEY` environment variable or, failing that, from the key file
 * that `parley init` writes with mode 0600. It is never written into `agent.yml` and never logged.
 */
import { randomBytes } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

import { PrivateKeyStore } from '@veramo/data-store'
import type { IIdentifier } from '@veramo/core'
import { SecretBox } from '@veramo/kms-local'
import type { DataSource } from 'typeorm'

import { SecretMissingError, SecretWrongError } from './errors.js'

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

/**
 * Checks that the secret opens the identity's private keys, so that an agent started with the
 * wrong secret stops at once instead of failing every message it packs.
 *
 * @throws SecretWrongError (`ERR_CONFIG_SECRET_WRONG`) when a key cannot be decrypted.
 */
export async function assertSecretOpensKeys(
  dataSource: DataSource,
  secretKey: string,
  identity: IIdentifier,
): Promise<void> {
  const store = new PrivateKeyStore(dataSource, new SecretBox(secretKey))
  const wrong = (cause?: unknown): SecretWrongError =>
    new SecretWrongError(
      "the at-rest secret does not decrypt this agent's keys: restore the key file (or " +
        `${SECRET_ENV}) they were created with`,
      { cause },
    )

  for (const key of identity.keys) {
    // Veramo's SecretBox answers a failed decryption with an empty string, not an error.
    const stored = await store.getKey({ alias: key.kid }).catch((cause: unknown) => {
      throw wrong(cause)
    })
    if (stored.privateKeyHex === '') throw wrong()
  }
}
