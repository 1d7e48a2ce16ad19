/**
 * Parley's error model: one base class with a stable `code`, one subclass per failure.
 *
 * Callers switch on `code`, never on message text. Every code is listed, with what to do about
 * it, in `docs/errors.md`; `test/agent/errors.test.ts` keeps the two in step.
 */

/** Options accepted by every Parley error. */
export interface ParleyErrorOptions {
  /** The lower-level error that caused this one. */
  cause?: unknown
}

/**
 * The base of every error Parley raises on bad data, refused input or failed operations.
 * Misuse by a caller (a wrong argument type, a missing required option) is a `TypeError` instead.
 */
export class ParleyError extends Error {
  /** The stable code of this class of failure, `ERR_<AREA>_<PROBLEM>`. */
  static readonly code: string = 'ERR_PARLEY'

  constructor(message: string, options: ParleyErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause })
    this.name = new.target.name
  }

  /** The stable code of this failure, the same for every instance of the class. */
  get code(): string {
    return (this.constructor as typeof ParleyError).code
  }

  /** A JSON shape safe to return to a peer or an API client: code and message, no stack. */
  toJSON(): { code: string; message: string } {
    return { code: this.code, message: this.message }
  }
}

/** `agent.yml` is missing, unreadable, or does not match the configuration schema. */
export class ConfigInvalidError extends ParleyError {
  static override readonly code = 'ERR_CONFIG_INVALID'
}

/** The secret that encrypts private keys at rest could not be found or is malformed. */
export class SecretMissingError extends ParleyError {
  static override readonly code = 'ERR_CONFIG_SECRET_MISSING'
}

/** The at-rest secret does not decrypt the private keys already in the database. */
export class SecretWrongError extends ParleyError {
  static override readonly code = 'ERR_CONFIG_SECRET_WRONG'
}

/** The database could not be opened or its migrations could not be run. */
export class StorageUnavailableError extends ParleyError {
  static override readonly code = 'ERR_STORAGE_UNAVAILABLE'
}

/** A write lost an optimistic-concurrency race: the record changed since it was read. */
export class StorageConflictError extends ParleyError {
  static override readonly code = 'ERR_STORAGE_CONFLICT'
}

/** A record that was asked for by id does not exist. */
export class StorageNotFoundError extends ParleyError {
  static override readonly code = 'ERR_STORAGE_NOT_FOUND'
}

/** The agent has no DID of the kind an operation needs (for example, no identity yet). */
export class IdentityMissingError extends ParleyError {
  static override readonly code = 'ERR_IDENTITY_MISSING'
}

/** A DID method or key type that Parley does not create or use. */
export class IdentityUnsupportedError extends ParleyError {
  static override readonly code = 'ERR_IDENTITY_UNSUPPORTED'
}

/** A server of the agent cannot listen, usually because its port is taken. */
export class ListenFailedError extends ParleyError {
  static override readonly code = 'ERR_AGENT_LISTEN_FAILED'
}

/** Narrows an unknown thrown value to a Parley error. */
export function isParleyError(error: unknown): error is ParleyError {
  return error instanceof ParleyError
}
