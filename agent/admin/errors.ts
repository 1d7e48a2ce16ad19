/** Errors of the admin API. */
import { ParleyError } from '../errors.js'

/** A request without the admin bearer token, or with a wrong one. */
export class AdminUnauthorizedError extends ParleyError {
  static override readonly code = 'ERR_ADMIN_UNAUTHORIZED'
}

/** A request whose JSON body or parameters are malformed. */
export class AdminBadRequestError extends ParleyError {
  static override readonly code = 'ERR_ADMIN_BAD_REQUEST'
}

/** No route, or no resource, at the requested path. */
export class AdminNotFoundError extends ParleyError {
  static override readonly code = 'ERR_ADMIN_NOT_FOUND'
}

/** The admin token file is missing, unreadable or empty. */
export class AdminTokenMissingError extends ParleyError {
  static override readonly code = 'ERR_ADMIN_TOKEN_MISSING'
}

/** The running agent's admin API could not be reached. */
export class AdminUnreachableError extends ParleyError {
  static override readonly code = 'ERR_ADMIN_UNREACHABLE'
}
