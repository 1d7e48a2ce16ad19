/**
 * Issuing a W3C Verifiable Credential as a JWT, signed by one of our DIDs.
 *
 * @see https://www.w3.org/TR/vc-data-model/#json-web-token
 */
import type { VeramoAgent } from '../veramo.js'
import { CredentialIssueFailedError } from './errors.js'
import { decodeCredentialJwt, type DecodedCredential } from './jwt.js'

/** What {@link issueCredential} puts in a credential. */
export interface IssueCredentialInput {
  /** One of this agent's DIDs; it signs the JWT and becomes `iss`. */
  issuer: string
  /** The holder's DID; it becomes `credentialSubject.id` and `sub`. */
  subject: string
  /** The credential type besides `VerifiableCredential`, for example `KycCredential`. */
  type: string
  /** The claims about the subject; `id` is reserved for the subject's DID. */
  claims: Record<string, unknown>
  /** The expiration date; absent, the credential never expires. */
  expirationDate?: Date
  /** The issuance date (`nbf`); defaults to the current time. */
  now?: Date
}

/**
 * Issues a credential about `subject`, signed by `issuer`, as a JWT.
 *
 * @returns the decoded credential, whose `jwt` is what travels to the holder.
 * @throws TypeError when the type is empty, names `VerifiableCredential`, or the claims carry `id`.
 * @throws CredentialIssueFailedError (`ERR_CREDENTIAL_ISSUE_FAILED`) when Veramo cannot sign, for
 *   example because the issuer DID is not managed by this agent.
 */
export async function issueCredential(
  veramo: VeramoAgent,
  input: IssueCredentialInput,
): Promise<DecodedCredential> {
  if (input.type === '' || input.type === 'VerifiableCredential') {
    throw new TypeError('a credential type besides VerifiableCredential is required')
  }
  if ('id' in input.claims) throw new TypeError('claims must not carry id: it is the subject')

  const issuanceDate = input.now ?? new Date()
  const credential = {
    issuer: { id: input.issuer },
    type: ['VerifiableCredential', input.type],
    issuanceDate: issuanceDate.toISOString(),
    ...(input.expirationDate ? { expirationDate: input.expirationDate.toISOString() } : {}),
    credentialSubject: { id: input.subject, ...input.claims },
  }

  try {
    const signed = await veramo.createVerifiableCredential({ credential, proofFormat: 'jwt' })
    return decodeCredentialJwt(signed.proof.jwt as string)
  } catch (cause) {
    throw new CredentialIssueFailedError(`cannot issue a ${input.type} as ${input.issuer}`, {
      cause,
    })
  }
}
