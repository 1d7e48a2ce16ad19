/**
 * Out-of-band 2.0 invitations: the message, its `_oob=` URL form, and reading either back.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#out-of-band-messages
 */
import type { Attachment, PlaintextMessage } from '../../../agent/didcomm/types.js'
import { InvitationInvalidError } from '../../engine/errors.js'

/** The protocol identifier URI. */
export const OUT_OF_BAND = 'https://didcomm.org/out-of-band/2.0'

/** The message type URI of an invitation. */
export const INVITATION_TYPE = `${OUT_OF_BAND}/invitation`

/** The only `accept` value Parley can honour. */
export const DIDCOMM_V2 = 'didcomm/v2'

const INVITATION = /^https:\/\/didcomm\.org\/out-of-band\/2\.\d+\/invitation$/

/** The body of an invitation. */
export interface InvitationBody {
  goal_code?: string
  goal?: string
  accept?: string[]
  [field: string]: unknown
}

/** An out-of-band invitation message. */
export interface InvitationMessage extends PlaintextMessage {
  from: string
  body: InvitationBody
}

/** What {@link buildInvitation} needs. */
export interface InvitationInput {
  id: string
  from: string
  goalCode?: string
  goal?: string
  attachments?: Attachment[]
  createdTime: number
  /** Seconds since the epoch; absent for an invitation that never expires. */
  expiresTime?: number
}

/** Builds an invitation that accepts DIDComm v2. */
export function buildInvitation(input: InvitationInput): InvitationMessage {
  const body: InvitationBody = { accept: [DIDCOMM_V2] }
  if (input.goalCode !== undefined) body.goal_code = input.goalCode
  if (input.goal !== undefined) body.goal = input.goal

  const message: InvitationMessage = {
    type: INVITATION_TYPE,
    id: input.id,
    from: input.from,
    created_time: input.createdTime,
    body,
  }
  if (input.expiresTime !== undefined) message.expires_time = input.expiresTime
  if (input.attachments !== undefined && input.attachments.length > 0) {
    message.attachments = input.attachments
  }
  return message
}

/** The `_oob=` URL of an invitation: its JSON, base64url without padding, as the spec shows. */
export function invitationUrl(base: string, invitation: InvitationMessage): string {
  const url = new URL(base)
  url.searchParams.set('_oob', Buffer.from(JSON.stringify(invitation)).toString('base64url'))
  return url.toString()
}

/**
 * Reads an invitation from a URL (`_oob=`, or the legacy `oob=`), or from its JSON text.
 *
 * @throws InvitationInvalidError (`ERR_OOB_INVITATION_INVALID`) when there is no invitation, it
 *   is not out-of-band 2.x, has no `from` DID, or its `accept` list lacks `didcomm/v2`.
 */
export function parseInvitation(input: string): InvitationMessage {
  const text = input.trim()
  const json = text.startsWith('{') ? text : decodeFromUrl(text)

  let message: unknown
  try {
    message = JSON.parse(json)
  } catch (cause) {
    throw new InvitationInvalidError('the invitation is not JSON', { cause })
  }

  return checkInvitation(message)
}

/**
 * Checks that a value is an invitation Parley can answer.
 *
 * @throws InvitationInvalidError (`ERR_OOB_INVITATION_INVALID`) as {@link parseInvitation}.
 */
export function checkInvitation(message: unknown): InvitationMessage {
  if (typeof message !== 'object' || message === null) {
    throw new InvitationInvalidError('the invitation is not a JSON object')
  }

  const { type, id, from, body } = message as Record<string, unknown>
  if (typeof type !== 'string' || !INVITATION.test(type)) {
    throw new InvitationInvalidError(`not an out-of-band 2.x invitation: ${String(type)}`)
  }
  if (typeof id !== 'string' || id === '') {
    throw new InvitationInvalidError('the invitation has no id')
  }
  if (typeof from !== 'string' || !from.startsWith('did:')) {
    throw new InvitationInvalidError('the invitation has no from DID')
  }
  if (typeof body !== 'object' || body === null) {
    throw new InvitationInvalidError('the invitation has no body')
  }

  const { accept } = body as InvitationBody
  if (accept !== undefined && (!Array.isArray(accept) || !accept.includes(DIDCOMM_V2))) {
    throw new InvitationInvalidError('the invitation does not accept didcomm/v2')
  }

  return message as InvitationMessage
}

function decodeFromUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch (cause) {
    throw new InvitationInvalidError('the invitation is neither a URL nor JSON', { cause })
  }

  const encoded = url.searchParams.get('_oob') ?? url.searchParams.get('oob')
  if (encoded === null || encoded === '') {
    throw new InvitationInvalidError('the URL has no _oob parameter')
  }

  // A '+' of standard base64 reads back as a space from a query string.
  return Buffer.from(encoded.replaceAll(' ', '+'), 'base64url').toString('utf8')
}
