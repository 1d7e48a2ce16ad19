/**
 * didcomm-node's unpack metadata (snake_case, `null` for absent) in Parley's shape.
 */
import type { DidcommMediaType, UnpackMetadata } from './types.js'

/** didcomm-node's `UnpackMetadata`, as far as Parley reads it. */
export interface RawUnpackMetadata {
  encrypted: boolean
  authenticated: boolean
  non_repudiation: boolean
  anonymous_sender: boolean
  encrypted_from_kid?: string | null
  encrypted_to_kids?: string[] | null
  sign_from?: string | null
  enc_alg_auth?: string | null
  enc_alg_anon?: string | null
  sign_alg?: string | null
  signed_message?: string | null
  from_prior?: { iss: string; sub: string; iat?: number } | null
  from_prior_issuer_kid?: string | null
}

/** Converts didcomm-node's unpack metadata; absent values are left out rather than `null`. */
export function toUnpackMetadata(raw: RawUnpackMetadata): UnpackMetadata {
  const metadata: UnpackMetadata = {
    mediaType: mediaTypeOf(raw),
    encrypted: raw.encrypted,
    authenticated: raw.authenticated,
    nonRepudiation: raw.non_repudiation,
    anonymousSender: raw.anonymous_sender,
  }

  if (raw.encrypted_from_kid) metadata.encryptedFromKid = raw.encrypted_from_kid
  if (raw.encrypted_to_kids) metadata.encryptedToKids = raw.encrypted_to_kids
  if (raw.sign_from) metadata.signFrom = raw.sign_from
  if (raw.enc_alg_auth) metadata.encAlgAuth = raw.enc_alg_auth
  if (raw.enc_alg_anon) metadata.encAlgAnon = raw.enc_alg_anon
  if (raw.sign_alg) metadata.signAlg = raw.sign_alg
  if (raw.signed_message) metadata.signedMessage = raw.signed_message
  if (raw.from_prior) metadata.fromPrior = raw.from_prior
  if (raw.from_prior_issuer_kid) metadata.fromPriorIssuerKid = raw.from_prior_issuer_kid

  return metadata
}

function mediaTypeOf(raw: RawUnpackMetadata): DidcommMediaType {
  if (raw.encrypted) return 'application/didcomm-encrypted+json'
  if (raw.non_repudiation) return 'application/didcomm-signed+json'
  return 'application/didcomm-plain+json'
}
