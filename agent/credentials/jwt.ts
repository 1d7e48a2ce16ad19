/**
 * Reading a W3C credential encoded as a JWT (VC Data Model 1.1, section 6.3.1) without verifying
 * it: what the checks in `verify.ts` look at, and what the credential store shows.
 *
 * @see https://www.w3.org/TR/vc-data-model/#json-web-token
 */
import { CredentialMalformedError } from './errors.js'

/** A JWT credential's registered claims mapped back to the W3C data model. */
export interface DecodedCredential {
  /** The compact JWT, exactly as received. */
  jwt: string
  /** `jti`, when the issuer gave the credential an id. */
  id?: string
  /** `iss`: the issuer's DID. */
  issuer: string
  /** `sub`: the subject's DID. */
  subject: string
  /** `vc.type`, for example `['VerifiableCredential', 'KycCredential']`. */
  type: string[]
  /** `vc.credentialSubject` without its `id`. */
  claims: Record<string, unknown>
  /** `nbf`, when present. */
  issuanceDate?: Date
  /** `exp`, when present. */
  expirationDate?: Date
}

/**
 * Decodes a JWT credential's payload. Nothing is verified: only the shape is checked.
 *
 * @throws CredentialMalformedError (`ERR_CREDENTIAL_MALFORMED`) when the string is not a JWT, has
 *   no `vc` claim, or lacks `iss`, `sub` or a type.
 */
export function decodeCredentialJwt(jwt: string): DecodedCredential {
  const payload = decodeJwtPayload(jwt)
  if (payload === undefined) throw new CredentialMalformedError('the credential is not a JWT')

  const vc = payload['vc']
  if (!isRecord(vc)) throw new CredentialMalformedError('the JWT has no vc claim')

  const issuer = payload['iss']
  if (typeof issuer !== 'string') throw new CredentialMalformedError('the JWT has no iss claim')

  const subject = payload['sub']
  if (typeof subject !== 'string') throw new CredentialMalformedError('the JWT has no sub claim')

  const type = vc['type']
  if (!isStringArray(type) || type.length === 0) {
    throw new CredentialMalformedError('the credential has no type')
  }

  const credentialSubject = isRecord(vc['credentialSubject']) ? vc['credentialSubject'] : {}
  const { id: _subjectId, ...claims } = credentialSubject

  return {
    jwt,
    ...(typeof payload['jti'] === 'string' ? { id: payload['jti'] } : {}),
    issuer,
    subject,
    type,
    claims,
    ...optionalDate('issuanceDate', payload['nbf']),
    ...optionalDate('expirationDate', payload['exp']),
  }
}

/**
 * The JSON payload of a compact JWS, or `undefined` when the string is not one. Nothing is
 * verified.
 */
export function decodeJwtPayload(jwt: string): Record<string, unknown> | undefined {
  const parts = jwt.split('.')
  if (parts.length !== 3) return undefined

  try {
    const payload: unknown = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'))
    return isRecord(payload) ? payload : undefined
  } catch {
    return undefined
  }
}

/** Narrows to a plain JSON object. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string')
}

function optionalDate<K extends string>(key: K, seconds: unknown): Partial<Record<K, Date>> {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return {}
  return { [key]: new Date(seconds * 1000) } as Partial<Record<K, Date>>
}

/**
 * Veramo verification policies that check the signature alone. Parley makes the time and
 * audience checks itself, so that each failure keeps its own error code.
 */
export function signatureOnlyPolicies(now: Date = new Date()): {
  now: number
  issuanceDate: false
  expirationDate: false
  nbf: false
  iat: false
  exp: false
  audience: false
  aud: false
} {
  return {
    now: Math.floor(now.getTime() / 1000),
    issuanceDate: false,
    expirationDate: false,
    nbf: false,
    iat: false,
    exp: false,
    audience: false,
    aud: false,
  }
}
