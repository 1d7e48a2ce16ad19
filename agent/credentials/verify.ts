/**
 * A holder's rules for a received credential, and the same checks for credentials inside a
 * presentation: signature, issuer, subject, validity period.
 *
 * Every check runs and reports its own outcome, so a verifier can record each one on the thread;
 * {@link verifyCredential} raises the first failure for callers that only need yes or no.
 */
import type { VerifiableCredential } from '@veramo/core'

import type { ParleyError } from '../errors.js'
import type { VeramoAgent } from '../veramo.js'
import {
  CredentialExpiredError,
  CredentialIssuerUntrustedError,
  CredentialMalformedError,
  CredentialNotYetValidError,
  CredentialSignatureInvalidError,
  CredentialSubjectMismatchError,
} from './errors.js'
import { decodeCredentialJwt, signatureOnlyPolicies, type DecodedCredential } from './jwt.js'

/** The rules a credential must meet. */
export interface CredentialRules {
  /** The DID the credential must be about: the holder's own, or the presenting holder's. */
  holder: string
  /** The DIDComm sender; an issuer equal to it is accepted. Absent for presented credentials. */
  sender?: string
  /** Issuers accepted besides the sender. */
  trustedIssuers: readonly string[]
  /** The time the validity period is judged at; defaults to the current time. */
  now?: Date
  /** How far `nbf` may lie in the future, for clock differences. Defaults to 300 seconds. */
  clockSkewSeconds?: number
}

/** The outcome of one check, in a JSON shape fit for the protocol thread. */
export interface CheckOutcome {
  /** The check's name, for example `credential.signature`. */
  check: string
  /** What was checked when there are several: a JSONPath into the presentation. */
  target?: string
  passed: boolean
  /** The error code of a failed check. */
  code?: string
  /** Why it failed, in words. */
  reason?: string
}

/** A credential that passed every rule. */
export interface VerifiedCredential extends DecodedCredential {
  /** Veramo's normalised form, as its data store keeps it. */
  document: VerifiableCredential
}

/** The result of {@link inspectCredential}. */
export interface CredentialInspection {
  /** Present when every check passed. */
  verified?: VerifiedCredential
  /** The decoded credential when it could be decoded, verified or not. */
  decoded?: DecodedCredential
  outcomes: CheckOutcome[]
  /** The error of each failed check, in the order of `outcomes`. */
  failures: ParleyError[]
}

/** The default tolerance for a credential issued slightly in our future. */
export const DEFAULT_CLOCK_SKEW_SECONDS = 300

/**
 * Verifies a received credential before the holder stores it.
 *
 * @throws CredentialMalformedError (`ERR_CREDENTIAL_MALFORMED`)
 * @throws CredentialSignatureInvalidError (`ERR_CREDENTIAL_SIGNATURE_INVALID`)
 * @throws CredentialIssuerUntrustedError (`ERR_CREDENTIAL_ISSUER_UNTRUSTED`)
 * @throws CredentialSubjectMismatchError (`ERR_CREDENTIAL_SUBJECT_MISMATCH`)
 * @throws CredentialExpiredError (`ERR_CREDENTIAL_EXPIRED`)
 * @throws CredentialNotYetValidError (`ERR_CREDENTIAL_NOT_YET_VALID`)
 */
export async function verifyCredential(
  veramo: VeramoAgent,
  jwt: string,
  rules: CredentialRules,
): Promise<VerifiedCredential> {
  const inspection = await inspectCredential(veramo, jwt, rules)

  const [failure] = inspection.failures
  if (failure !== undefined) throw failure
  if (inspection.verified === undefined) throw new CredentialMalformedError('nothing was verified')

  return inspection.verified
}

/**
 * Runs every check on a credential and reports each outcome; it never throws on bad data.
 * Checks after a failed decode are not run: there is nothing to check.
 */
export async function inspectCredential(
  veramo: VeramoAgent,
  jwt: string,
  rules: CredentialRules,
  target?: string,
): Promise<CredentialInspection> {
  const failures: ParleyError[] = []
  const outcomes: CheckOutcome[] = []
  const record = (check: string, error?: ParleyError): void => {
    outcomes.push(outcome(`credential.${check}`, target, error))
    if (error) failures.push(error)
  }

  let decoded: DecodedCredential
  try {
    decoded = decodeCredentialJwt(jwt)
  } catch (error) {
    record('format', error as ParleyError)
    return { outcomes, failures }
  }
  record('format')

  const document = await checkSignature(veramo, decoded, rules)
  record('signature', document instanceof Error ? document : undefined)

  record('issuer', checkIssuer(decoded, rules))

  record('subject', checkSubject(decoded, rules))

  record('validity', checkValidity(decoded, rules))

  if (failures.length > 0 || document instanceof Error) return { decoded, outcomes, failures }
  return { verified: { ...decoded, document }, decoded, outcomes, failures }
}

/** Builds the JSON outcome of one check. */
export function outcome(check: string, target?: string, error?: ParleyError): CheckOutcome {
  return {
    check,
    ...(target === undefined ? {} : { target }),
    passed: error === undefined,
    ...(error === undefined ? {} : { code: error.code, reason: error.message }),
  }
}

async function checkSignature(
  veramo: VeramoAgent,
  decoded: DecodedCredential,
  rules: CredentialRules,
): Promise<VerifiableCredential | CredentialSignatureInvalidError> {
  // Time checks are ours (checkValidity), so that each failure keeps its own code.
  const result = await veramo.verifyCredential({
    credential: decoded.jwt,
    policies: signatureOnlyPolicies(rules.now),
  })

  const document = result['verifiableCredential'] as VerifiableCredential | undefined
  if (result.verified && document !== undefined) return document

  return new CredentialSignatureInvalidError(
    `the signature of a credential from ${decoded.issuer} does not verify`,
    { cause: result.error },
  )
}

function checkIssuer(
  decoded: DecodedCredential,
  rules: CredentialRules,
): CredentialIssuerUntrustedError | undefined {
  if (decoded.issuer === rules.sender) return undefined
  if (rules.trustedIssuers.includes(decoded.issuer)) return undefined

  return new CredentialIssuerUntrustedError(`${decoded.issuer} is not a trusted issuer`)
}

function checkSubject(
  decoded: DecodedCredential,
  rules: CredentialRules,
): CredentialSubjectMismatchError | undefined {
  if (decoded.subject === rules.holder) return undefined

  return new CredentialSubjectMismatchError(
    `the credential is about ${decoded.subject}, not ${rules.holder}`,
  )
}

function checkValidity(
  decoded: DecodedCredential,
  rules: CredentialRules,
): CredentialExpiredError | CredentialNotYetValidError | undefined {
  const now = (rules.now ?? new Date()).getTime()
  const skew = (rules.clockSkewSeconds ?? DEFAULT_CLOCK_SKEW_SECONDS) * 1000

  if (decoded.expirationDate && decoded.expirationDate.getTime() <= now) {
    return new CredentialExpiredError(
      `the credential expired at ${decoded.expirationDate.toISOString()}`,
    )
  }
  if (decoded.issuanceDate && decoded.issuanceDate.getTime() > now + skew) {
    return new CredentialNotYetValidError(
      `the credential is valid from ${decoded.issuanceDate.toISOString()}`,
    )
  }

  return undefined
}
