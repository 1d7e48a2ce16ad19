/** Refusals of the verifier's protected resources (`GET /resources/<name>`). */
import { ParleyError } from '../errors.js'

/** No policy in `verifier.policies` names the requested resource (HTTP 404). */
export class ResourceNotFoundError extends ParleyError {
  static override readonly code = 'ERR_RESOURCE_NOT_FOUND'
}

/** The client certificate names no DID in a URI subject alternative name (HTTP 403). */
export class ResourceNoDidError extends ParleyError {
  static override readonly code = 'ERR_RESOURCE_NO_DID'
}

/** The DID the client certificate names has never been granted the resource (HTTP 403). */
export class ResourceNoGrantError extends ParleyError {
  static override readonly code = 'ERR_RESOURCE_NO_GRANT'
}

/** The DID the client certificate names held grants for the resource, all expired (HTTP 403). */
export class ResourceGrantExpiredError extends ParleyError {
  static override readonly code = 'ERR_RESOURCE_GRANT_EXPIRED'
}

/** The grants could not be read or the decision could not be audited; refused (HTTP 503). */
export class ResourceCheckFailedError extends ParleyError {
  static override readonly code = 'ERR_RESOURCE_CHECK_FAILED'
}
