/**
 * Problems of present-proof 3.0 that a peer's message causes, each answered with a problem
 * report by the dispatcher.
 */
import { ProtocolProblemError } from '../../engine/errors.js'

/**
 * No attachment is in a format Parley reads, or the presentation is not a JWT: for example a
 * presentation with a linked-data proof, as in the WACI-DIDComm vectors.
 */
export class PresentationFormatUnsupportedError extends ProtocolProblemError {
  static override readonly code = 'ERR_PRESENTATION_FORMAT_UNSUPPORTED'
  static override readonly problemCode = 'e.p.msg.unsupported-format'
}
