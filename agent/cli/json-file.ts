/** Reading the JSON files that CLI commands take (claims, presentation definitions). */
import { readFileSync } from 'node:fs'

import { ParleyError } from '../errors.js'

/** A file named on the command line cannot be read, or is not the JSON the command needs. */
export class CliInputInvalidError extends ParleyError {
  static override readonly code = 'ERR_CLI_INPUT_INVALID'
}

/**
 * Reads a file holding one JSON object.
 *
 * @param what - what the file should hold, for the error message (e.g. `claims`).
 * @throws CliInputInvalidError (`ERR_CLI_INPUT_INVALID`) when the file cannot be read, is not
 *   JSON, or holds something other than an object.
 */
export function readJsonObject(path: string, what: string): Record<string, unknown> {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    throw new CliInputInvalidError(`cannot read the ${what} file ${path}`, { cause })
  }

  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (cause) {
    throw new CliInputInvalidError(`the ${what} file ${path} is not JSON`, { cause })
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new CliInputInvalidError(`the ${what} file ${path} must hold a JSON object`)
  }
  return value as Record<string, unknown>
}
