/**
 * The admin API's bearer token: 32 random bytes as hex, in a file of mode 0600 that
 * `parley init` writes and the CLI reads. Compared in constant time.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'

import { AdminTokenMissingError } from './errors.js'

/**
 * Creates the token file if it does not exist yet (never overwriting one), and returns the token.
 *
 * @throws AdminTokenMissingError (`ERR_ADMIN_TOKEN_MISSING`) when an existing file is empty.
 */
export function createAdminToken(path: string): string {
  if (existsSync(path)) return readAdminToken(path)

  mkdirSync(dirname(path), { recursive: true })
  const token = randomBytes(32).toString('hex')
  writeFileSync(path, `${token}\n`, { mode: 0o600, flag: 'wx' })
  chmodSync(path, 0o600)
  return token
}

/**
 * Reads the token from its file.
 *
 * @throws AdminTokenMissingError (`ERR_ADMIN_TOKEN_MISSING`) when the file is missing, empty, or
 *   readable by users other than its owner.
 */
export function readAdminToken(path: string): string {
  let token: string
  try {
    token = readFileSync(path, 'utf8').trim()
  } catch (cause) {
    throw new AdminTokenMissingError(`cannot read the admin token at ${path}; run parley init`, {
      cause,
    })
  }

  if (token === '') throw new AdminTokenMissingError(`the admin token file ${path} is empty`)
  if ((statSync(path).mode & 0o077) !== 0) {
    throw new AdminTokenMissingError(`${path} is readable by others; chmod 600 it`)
  }
  return token
}

/** Whether an `Authorization` header carries exactly this bearer token (constant time). */
export function bearerMatches(token: string, header: string | undefined): boolean {
  if (header === undefined || !header.startsWith('Bearer ')) return false
  const digest = (value: string): Buffer => createHash('sha256').update(value).digest()
  return timingSafeEqual(digest(header.slice('Bearer '.length).trim()), digest(token))
}
