/**
 * The verifier's checks of a received presentation, each recorded with its outcome so that the
 * protocol thread keeps them: the presentation's signature, holder, challenge and domain; each
 * credential's signature, issuer, subject and validity; and the submission against the definition.
 *
 * @see https://identity.foundation/presentation-exchange/spec/v1.0.0/#presentation-submission
 */
import { decodeJwtPayload, isRecord, signatureOnlyPolicies } from '../credentials/jwt.js'
import { inspectCredential, outcome, type CheckOutcome } from '../credentials/verify.js'
import type { VerifiedCredential } from '../credentials/verify.js'
import type { ParleyError } from '../errors.js'
import type { VeramoAgent } from '../veramo.js'
import { challengeMatches } from './challenge.js'
import type { PresentationDefinition } from './definition.js'
import {
  PresentationChallengeMismatchError,
  PresentationDomainMismatchError,
  PresentationHolderMismatchError,
  PresentationMalformedError,
  PresentationRejectedError,
  PresentationSignatureInvalidError,
  PresentationSubmissionInvalidError,
} from './errors.js'
import { evaluateSubmission } from './submission.js'

/** What the presentation must match: the request's values and the verifier's rules. */
export interface PresentationExpectations {
  /** The DIDComm sender of the presentation message; the presentation's holder must be it. */
  sender: string
  /** The challenge the request issued. */
  challenge: string
  /** The domain the request issued. */
  domain: string
  /** The definition the request carried. */
  definition: PresentationDefinition
  /** The issuers trusted for this definition. */
  trustedIssuers: readonly string[]
  /** The time validity is judged at; defaults to the current time. */
  now?: Date
}

/** Every check's outcome and, when all passed, the verified credentials. */
export interface PresentationVerification {
  verified: boolean
  /** The presentation's signer, when it could be read. */
  holder?: string
  /** The id of the definition the presentation was checked against. */
  definitionId: string
  checks: CheckOutcome[]
  /** Every embedded credential, verified; empty unless `verified`. */
  credentials: VerifiedCredential[]
}

const verifiedResults = new WeakSet<PresentationVerification>()

/**
 * Runs every check on a presentation JWT. It never throws on bad data: failures are outcomes.
 * Checks that need a decoded presentation are skipped when it cannot be decoded.
 */
export async function verifyPresentation(
  veramo: VeramoAgent,
  jwt: string,
  expected: PresentationExpectations,
): Promise<PresentationVerification> {
  const checks: CheckOutcome[] = []
  const record = (check: string, error?: ParleyError): void => {
    checks.push(outcome(`presentation.${check}`, undefined, error))
  }
  const result = (holder?: string, credentials: VerifiedCredential[] = []) => {
    const verified = checks.every((check) => check.passed)
    const verification: PresentationVerification = {
      verified,
      ...(holder === undefined ? {} : { holder }),
      definitionId: expected.definition.id,
      checks,
      credentials: verified ? credentials : [],
    }
    if (verified) verifiedResults.add(verification)
    return verification
  }

  const payload = decodeJwtPayload(jwt) ?? {}
  const vp = payload['vp']
  const holder = payload['iss']
  if (!isRecord(vp) || typeof holder !== 'string') {
    record(
      'format',
      new PresentationMalformedError('the presentation is not a JWT with a vp claim'),
    )
    return result()
  }
  record('format')

  record('signature', await checkSignature(veramo, jwt, holder, expected))

  record('holder', checkHolder(holder, vp, expected))

  record('challenge', checkChallenge(payload['nonce'], expected))

  record('domain', checkDomain(payload['aud'], expected))

  const credentials: VerifiedCredential[] = []
  const embedded = Array.isArray(vp['verifiableCredential']) ? vp['verifiableCredential'] : []
  for (const [index, entry] of embedded.entries()) {
    const inspection = await inspectCredential(
      veramo,
      credentialJwt(entry),
      { holder, trustedIssuers: expected.trustedIssuers, ...nowOf(expected) },
      `$.verifiableCredential[${index}]`,
    )
    checks.push(...inspection.outcomes)
    if (inspection.verified) credentials.push(inspection.verified)
  }

  record('submission', checkSubmission(jwt, submissionOf(payload, vp), expected.definition))

  return result(holder, credentials)
}

/** Whether a value is a successful verification made by {@link verifyPresentation} here. */
export function isVerifiedPresentation(value: PresentationVerification): boolean {
  return verifiedResults.has(value)
}

/**
 * Raises the failed checks of a verification as one error.
 *
 * @throws PresentationRejectedError (`ERR_PRESENTATION_REJECTED`) naming the code of each
 *   failed check.
 */
export function assertPresentationVerified(verification: PresentationVerification): void {
  if (verification.verified) return

  const failed = verification.checks.filter((check) => !check.passed)
  const codes = failed.map((check) => check.code).join(', ')
  throw new PresentationRejectedError(`the presentation failed ${failed.length} checks: ${codes}`)
}

async function checkSignature(
  veramo: VeramoAgent,
  jwt: string,
  holder: string,
  expected: PresentationExpectations,
): Promise<PresentationSignatureInvalidError | undefined> {
  // Challenge, domain and times are checked apart, so that each failure keeps its own code.
  const verification = await veramo.verifyPresentation({
    presentation: jwt,
    policies: signatureOnlyPolicies(expected.now),
  })
  if (verification.verified) return undefined

  return new PresentationSignatureInvalidError(
    `the signature of a presentation from ${holder} does not verify`,
    { cause: verification.error },
  )
}

function checkHolder(
  holder: string,
  vp: Record<string, unknown>,
  expected: PresentationExpectations,
): PresentationHolderMismatchError | undefined {
  if (holder !== expected.sender) {
    return new PresentationHolderMismatchError(
      `the presentation is signed by ${holder}, not by the sender ${expected.sender}`,
    )
  }
  if (vp['holder'] !== undefined && vp['holder'] !== holder) {
    return new PresentationHolderMismatchError(
      'the presentation names another holder than its signer',
    )
  }

  return undefined
}

function checkChallenge(
  nonce: unknown,
  expected: PresentationExpectations,
): PresentationChallengeMismatchError | undefined {
  if (challengeMatches(expected.challenge, nonce)) return undefined

  return new PresentationChallengeMismatchError(
    "the presentation does not bind this request's challenge",
  )
}

function checkDomain(
  aud: unknown,
  expected: PresentationExpectations,
): PresentationDomainMismatchError | undefined {
  const audiences = Array.isArray(aud) ? aud : [aud]
  if (audiences.some((audience) => challengeMatches(expected.domain, audience))) return undefined

  return new PresentationDomainMismatchError('the presentation is not addressed to this domain')
}

function checkSubmission(
  jwt: string,
  submission: unknown,
  definition: PresentationDefinition,
): PresentationSubmissionInvalidError | undefined {
  const evaluation = evaluateSubmission(definition, jwt, submission)
  if (evaluation.satisfied) return undefined

  return new PresentationSubmissionInvalidError(evaluation.reason ?? 'the submission is refused')
}

/**
 * Veramo (through did-jwt-vc) writes the submission as a claim of the JWT beside `vp`, which is
 * also where `@sphereon/pex` looks; inside `vp` is accepted too.
 */
function submissionOf(payload: Record<string, unknown>, vp: Record<string, unknown>): unknown {
  return payload['presentation_submission'] ?? vp['presentation_submission']
}

function credentialJwt(entry: unknown): string {
  if (typeof entry === 'string') return entry
  if (isRecord(entry) && isRecord(entry['proof']) && typeof entry['proof']['jwt'] === 'string') {
    return entry['proof']['jwt']
  }
  // Not a JWT credential: the format check reports it as malformed.
  return ''
}

function nowOf(expected: PresentationExpectations): { now?: Date } {
  return expected.now === undefined ? {} : { now: expected.now }
}
