/**
 * Errors raised while building and verifying presentations under DIF Presentation Exchange.
 */
import { ParleyError } from '../errors.js'

/** A presentation definition does not validate against DIF Presentation Exchange v1 or v2. */
export class PresentationDefinitionInvalidError extends ParleyError {
  static override readonly code = 'ERR_PRESENTATION_DEFINITION_INVALID'
}

/** The credential store holds no set of credentials that satisfies the definition. */
export class PresentationUnsatisfiableError extends ParleyError {
  static override readonly code = 'ERR_PRESENTATION_UNSATISFIABLE'
}

/** The presentation is not a decodable JWT with a `vp` claim. */
export class PresentationMalformedError extends ParleyError {
  static override readonly code = 'ERR_PRESENTATION_MALFORMED'
}

/** The presentation's JWT signature does not verify against its holder's DID document. */
export class PresentationSignatureInvalidError extends ParleyError {
  static override readonly code = 'ERR_PRESENTATION_SIGNATURE_INVALID'
}

/** The presentation's holder (its signer) is not the DIDComm sender. */
export class PresentationHolderMismatchError extends ParleyError {
  static override readonly code = 'ERR_PRESENTATION_HOLDER_MISMATCH'
}

/** The presentation's `nonce` is not the challenge this request issued. */
export class PresentationChallengeMismatchError extends ParleyError {
  static override readonly code = 'ERR_PRESENTATION_CHALLENGE_MISMATCH'
}

/** The presentation's audience (`aud`) is not the domain this request issued. */
export class PresentationDomainMismatchError extends ParleyError {
  static override readonly code = 'ERR_PRESENTATION_DOMAIN_MISMATCH'
}

/** The `presentation_submission` is missing or does not satisfy the definition. */
export class PresentationSubmissionInvalidError extends ParleyError {
  static override readonly code = 'ERR_PRESENTATION_SUBMISSION_INVALID'
}

/** One or more checks of a received presentation failed; `checks` names each outcome. */
export class PresentationRejectedError extends ParleyError {
  static override readonly code = 'ERR_PRESENTATION_REJECTED'
}
