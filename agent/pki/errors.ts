/** Errors of the development PKI. */
import { ParleyError } from '../errors.js'

/** A certificate or key file already exists and would be overwritten. */
export class PkiExistsError extends ParleyError {
  static override readonly code = 'ERR_PKI_EXISTS'
}

/** The CA certificate or key needed to issue a certificate is missing or unreadable. */
export class PkiCaMissingError extends ParleyError {
  static override readonly code = 'ERR_PKI_CA_MISSING'
}
