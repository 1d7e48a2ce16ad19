/** Errors of the audit log. */
import { ParleyError } from '../errors.js'

/** An entry's hash or its link to the previous entry does not match: the log was altered. */
export class AuditChainBrokenError extends ParleyError {
  static override readonly code = 'ERR_AUDIT_CHAIN_BROKEN'
}

/** An audit entry could not be written; the decision it records is refused (fail closed). */
export class AuditWriteFailedError extends ParleyError {
  static override readonly code = 'ERR_AUDIT_WRITE_FAILED'
}
