/**
 * Errors of the policy decision and enforcement points.
 */
import { ParleyError } from '../errors.js'

/** No configured policy names the requested resource. */
export class PolicyNotFoundError extends ParleyError {
  static override readonly code = 'ERR_POLICY_NOT_FOUND'
}

/** A configured policy cannot be used: its definition is unreadable or a condition is malformed. */
export class PolicyInvalidError extends ParleyError {
  static override readonly code = 'ERR_POLICY_INVALID'
}

/** A decision was asked for over claims that did not come from a verified presentation. */
export class PolicyUnverifiedClaimsError extends ParleyError {
  static override readonly code = 'ERR_POLICY_UNVERIFIED_CLAIMS'
}

/** The audit sink refused the decision's entry; the decision is not acted on (fail closed). */
export class PolicyAuditFailedError extends ParleyError {
  static override readonly code = 'ERR_POLICY_AUDIT_FAILED'
}

/** The peer holds no current grant for the resource it asked for. */
export class PolicyAccessDeniedError extends ParleyError {
  static override readonly code = 'ERR_POLICY_ACCESS_DENIED'
}
