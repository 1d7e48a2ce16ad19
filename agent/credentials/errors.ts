/**
 * Errors raised while issuing, verifying and storing W3C credentials.
 *
 * Each failure of the holder's rules has its own code, so a protocol handler can name the exact
 * reason in its problem report and a test can assert it.
 */
import { ParleyError } from '../errors.js'

/** The credential is not a decodable JWT with a `vc` claim, or lacks `iss`, `sub` or a type. */
export class CredentialMalformedError extends ParleyError {
  static override readonly code = 'ERR_CREDENTIAL_MALFORMED'
}

/** The JWT signature does not verify against the issuer's DID document (tampered or forged). */
export class CredentialSignatureInvalidError extends ParleyError {
  static override readonly code = 'ERR_CREDENTIAL_SIGNATURE_INVALID'
}

/** The issuer is neither the DIDComm sender nor one of the trusted issuers. */
export class CredentialIssuerUntrustedError extends ParleyError {
  static override readonly code = 'ERR_CREDENTIAL_ISSUER_UNTRUSTED'
}

/** The credential's subject is not the DID that is to hold (or that presents) it. */
export class CredentialSubjectMismatchError extends ParleyError {
  static override readonly code = 'ERR_CREDENTIAL_SUBJECT_MISMATCH'
}

/** The credential's expiration date has passed. */
export class CredentialExpiredError extends ParleyError {
  static override readonly code = 'ERR_CREDENTIAL_EXPIRED'
}

/** The credential's issuance date (`nbf`) lies in the future, beyond the allowed clock skew. */
export class CredentialNotYetValidError extends ParleyError {
  static override readonly code = 'ERR_CREDENTIAL_NOT_YET_VALID'
}

/** Veramo could not sign the credential, usually because the issuer DID is not ours. */
export class CredentialIssueFailedError extends ParleyError {
  static override readonly code = 'ERR_CREDENTIAL_ISSUE_FAILED'
}
