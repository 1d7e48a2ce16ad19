/**
 * The messages of present-proof 3.0 and the DIF Presentation Exchange attachment formats.
 *
 * @see https://github.com/decentralized-identity/waci-didcomm/blob/main/present_proof/present-proof-v3.md
 * @see https://identity.foundation/presentation-exchange/spec/v1.0.0/
 */
import { isRecord } from '../../../agent/credentials/jwt.js'
import type { Attachment, PlaintextMessage } from '../../../agent/didcomm/types.js'
import {
  parseDefinition,
  type PresentationDefinition,
} from '../../../agent/presentation/definition.js'
import { MessageInvalidError } from '../../engine/errors.js'
import type { MessageDraft } from '../../engine/types.js'
import { PresentationFormatUnsupportedError } from './errors.js'

/** The protocol identifier URI. */
export const PRESENT_PROOF = 'https://didcomm.org/present-proof/3.0'

/** Message type URIs. */
export const PROPOSE_PRESENTATION = `${PRESENT_PROOF}/propose-presentation`
export const REQUEST_PRESENTATION = `${PRESENT_PROOF}/request-presentation`
export const PRESENTATION = `${PRESENT_PROOF}/presentation`
export const PRESENTATION_ACK = `${PRESENT_PROOF}/ack`

/** A request's attachment: `options.challenge`, `options.domain`, `presentation_definition`. */
export const DEFINITIONS_FORMAT = 'dif/presentation-exchange/definitions@v1.0'

/** A presentation's attachment: a presentation carrying its `presentation_submission`. */
export const SUBMISSION_FORMAT = 'dif/presentation-exchange/submission@v1.0'

/** What a request-presentation asks for. */
export interface PresentationRequest {
  definition: PresentationDefinition
  challenge: string
  domain: string
  /** Whether the verifier will answer the presentation with an ack. */
  willConfirm: boolean
}

/** A request-presentation message; the first of its thread when `id` is given. */
export function requestMessage(request: PresentationRequest, id?: string): MessageDraft {
  return {
    type: REQUEST_PRESENTATION,
    ...(id === undefined ? {} : { id }),
    body: { will_confirm: request.willConfirm },
    attachments: [
      {
        id: 'presentation-definition',
        media_type: 'application/json',
        format: DEFINITIONS_FORMAT,
        data: {
          json: {
            options: { challenge: request.challenge, domain: request.domain },
            presentation_definition: request.definition,
          },
        },
      },
    ],
  }
}

/** A presentation message carrying a JWT presentation (its submission inside). */
export function presentationMessage(jwt: string): MessageDraft {
  return {
    type: PRESENTATION,
    body: {},
    attachments: [
      {
        id: 'presentation',
        media_type: 'application/jwt',
        format: SUBMISSION_FORMAT,
        data: { base64: Buffer.from(jwt, 'utf8').toString('base64url') },
      },
    ],
  }
}

/**
 * Reads a request-presentation.
 *
 * @throws PresentationFormatUnsupportedError (`ERR_PRESENTATION_FORMAT_UNSUPPORTED`)
 * @throws MessageInvalidError (`ERR_ENGINE_MESSAGE_INVALID`) when options are missing.
 * @throws PresentationDefinitionInvalidError (`ERR_PRESENTATION_DEFINITION_INVALID`)
 */
export function readRequest(message: PlaintextMessage): PresentationRequest {
  const attachment = find(message, DEFINITIONS_FORMAT)
  const json = attachment.data.json
  if (!isRecord(json) || !isRecord(json['options'])) {
    throw new MessageInvalidError(
      `${DEFINITIONS_FORMAT} needs options and a presentation_definition`,
    )
  }

  const { challenge, domain } = json['options']
  if (typeof challenge !== 'string' || typeof domain !== 'string') {
    throw new MessageInvalidError('options.challenge and options.domain must be strings')
  }

  return {
    definition: parseDefinition(json['presentation_definition']),
    challenge,
    domain,
    willConfirm: message.body['will_confirm'] === true,
  }
}

/**
 * Reads the JWT of a presentation message: `data.base64`, a JWT string in `data.json`, or a
 * presentation object whose `proof.jwt` holds it.
 *
 * @throws PresentationFormatUnsupportedError (`ERR_PRESENTATION_FORMAT_UNSUPPORTED`) for any
 *   other presentation, for example one with a linked-data proof.
 */
export function readPresentationJwt(message: PlaintextMessage): string {
  const { base64, json } = find(message, SUBMISSION_FORMAT).data
  if (typeof base64 === 'string') return Buffer.from(base64, 'base64url').toString('utf8')
  if (typeof json === 'string') return json
  if (isRecord(json) && isRecord(json['proof']) && typeof json['proof']['jwt'] === 'string') {
    return json['proof']['jwt']
  }

  throw new PresentationFormatUnsupportedError(
    'the presentation is not a JWT; presentations with linked-data proofs are not supported',
    { args: [SUBMISSION_FORMAT] },
  )
}

function find(message: PlaintextMessage, format: string): Attachment {
  const attachments = message.attachments ?? []
  const found = attachments.find((attachment) => attachment.format === format)
  if (found !== undefined) return found

  const formats = attachments.map((attachment) => attachment.format ?? '(none)')
  throw new PresentationFormatUnsupportedError(
    `no ${format} attachment; the message carries: ${formats.join(', ') || 'none'}`,
    { args: formats },
  )
}
