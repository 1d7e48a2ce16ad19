/**
 * The messages of issue-credential 3.0 and the attachment formats Parley reads and writes.
 *
 * Formats (the reasons are in docs/protocols/issue-credential.md):
 * - `parley/vc-jwt-detail@v1.0` on propose, offer and request: the credential to be issued
 *   (type, claims with their JSON types, expiry), unsigned;
 * - `jwt_vc` on issue-credential: the signed credential, a compact JWT in `data.base64`.
 *
 * @see https://github.com/decentralized-identity/waci-didcomm/blob/main/issue_credential/README.md
 */
import type { Attachment, PlaintextMessage } from '../../../agent/didcomm/types.js'
import { isRecord } from '../../../agent/credentials/jwt.js'
import { MessageInvalidError } from '../../engine/errors.js'
import type { MessageDraft } from '../../engine/types.js'
import { CredentialFormatUnsupportedError } from './errors.js'

/** The protocol identifier URI. */
export const ISSUE_CREDENTIAL = 'https://didcomm.org/issue-credential/3.0'

/** Message type URIs. */
export const PROPOSE_CREDENTIAL = `${ISSUE_CREDENTIAL}/propose-credential`
export const OFFER_CREDENTIAL = `${ISSUE_CREDENTIAL}/offer-credential`
export const REQUEST_CREDENTIAL = `${ISSUE_CREDENTIAL}/request-credential`
export const ISSUE_CREDENTIAL_TYPE = `${ISSUE_CREDENTIAL}/issue-credential`
export const CREDENTIAL_ACK = `${ISSUE_CREDENTIAL}/ack`
export const CREDENTIAL_PREVIEW = `${ISSUE_CREDENTIAL}/credential-preview`

/** The attachment format of an unsigned credential detail. */
export const VC_JWT_DETAIL_FORMAT = 'parley/vc-jwt-detail@v1.0'

/** The attachment format of a signed W3C credential as a JWT (the DIF claim format name). */
export const JWT_VC_FORMAT = 'jwt_vc'

/** The credential a proposal, offer or request is about. */
export interface CredentialDetail {
  /** The type besides `VerifiableCredential`. */
  type: string
  claims: Record<string, unknown>
  /** ISO 8601; absent: the issuer's configured lifetime applies. */
  expirationDate?: string
}

/** A proposal, offer or request as read from a message. */
export interface CredentialTerms {
  /** Absent on a proposal or request that leaves the credential to the issuer. */
  detail?: CredentialDetail
  comment?: string
  goalCode?: string
}

/**
 * A propose, offer or request message without addressing; the engine adds it. Offers carry the
 * spec's `credential_preview` beside the detail attachment.
 */
export function termsMessage(type: string, terms: CredentialTerms, id?: string): MessageDraft {
  const body: Record<string, unknown> = {}
  if (terms.goalCode !== undefined) body['goal_code'] = terms.goalCode
  if (terms.comment !== undefined) body['comment'] = terms.comment
  if (terms.detail !== undefined && type !== REQUEST_CREDENTIAL) {
    body['credential_preview'] = preview(terms.detail)
  }

  const attachments: Attachment[] =
    terms.detail === undefined
      ? []
      : [
          {
            id: 'credential-detail',
            media_type: 'application/json',
            format: VC_JWT_DETAIL_FORMAT,
            data: { json: terms.detail },
          },
        ]

  return {
    type,
    ...(id === undefined ? {} : { id }),
    body,
    ...(attachments.length === 0 ? {} : { attachments }),
  }
}

/** The issue-credential message carrying a signed JWT credential. */
export function issueMessage(jwt: string, comment?: string): MessageDraft {
  return {
    type: ISSUE_CREDENTIAL_TYPE,
    body: comment === undefined ? {} : { comment },
    attachments: [
      {
        id: 'credential',
        media_type: 'application/jwt',
        format: JWT_VC_FORMAT,
        data: { base64: Buffer.from(jwt, 'utf8').toString('base64url') },
      },
    ],
  }
}

/**
 * Reads the terms of a propose, offer or request message. A message without attachments is
 * accepted (the credential is left open); one whose attachments are all in formats Parley does
 * not read is refused.
 *
 * @throws CredentialFormatUnsupportedError (`ERR_CREDENTIAL_FORMAT_UNSUPPORTED`)
 * @throws MessageInvalidError (`ERR_ENGINE_MESSAGE_INVALID`) for a malformed detail.
 */
export function readTerms(message: PlaintextMessage): CredentialTerms {
  const terms: CredentialTerms = {}
  if (typeof message.body['comment'] === 'string') terms.comment = message.body['comment']
  if (typeof message.body['goal_code'] === 'string') terms.goalCode = message.body['goal_code']

  const attachments = message.attachments ?? []
  if (attachments.length === 0) return terms

  const detail = attachments.find((attachment) => attachment.format === VC_JWT_DETAIL_FORMAT)
  if (detail === undefined) throw unsupported(attachments)

  return { ...terms, detail: readDetail(detail.data.json) }
}

/**
 * Reads the signed credential of an issue-credential message.
 *
 * @throws CredentialFormatUnsupportedError (`ERR_CREDENTIAL_FORMAT_UNSUPPORTED`)
 */
export function readIssuedJwt(message: PlaintextMessage): string {
  const attachments = message.attachments ?? []
  const credential = attachments.find((attachment) => attachment.format === JWT_VC_FORMAT)
  if (credential === undefined) throw unsupported(attachments)

  const { base64, json } = credential.data
  if (typeof base64 === 'string') return Buffer.from(base64, 'base64url').toString('utf8')
  if (typeof json === 'string') return json
  throw new MessageInvalidError('the jwt_vc attachment holds no JWT')
}

function readDetail(json: unknown): CredentialDetail {
  if (!isRecord(json) || typeof json['type'] !== 'string' || !isRecord(json['claims'])) {
    throw new MessageInvalidError(`${VC_JWT_DETAIL_FORMAT} needs a type and claims`)
  }
  if (json['expirationDate'] !== undefined && typeof json['expirationDate'] !== 'string') {
    throw new MessageInvalidError('expirationDate must be an ISO 8601 string')
  }

  return {
    type: json['type'],
    claims: json['claims'],
    ...(typeof json['expirationDate'] === 'string'
      ? { expirationDate: json['expirationDate'] }
      : {}),
  }
}

function preview(detail: CredentialDetail): Record<string, unknown> {
  return {
    type: CREDENTIAL_PREVIEW,
    body: {
      attributes: Object.entries(detail.claims).map(([name, value]) =>
        typeof value === 'string'
          ? { name, value }
          : { name, media_type: 'application/json', value: JSON.stringify(value) },
      ),
    },
  }
}

function unsupported(attachments: readonly Attachment[]): CredentialFormatUnsupportedError {
  const formats = attachments.map((attachment) => attachment.format ?? '(none)')
  return new CredentialFormatUnsupportedError(
    `no supported attachment format: ${formats.join(', ')}; Parley reads ` +
      `${VC_JWT_DETAIL_FORMAT} and ${JWT_VC_FORMAT}`,
    { args: formats },
  )
}
