/**
 * Problems of issue-credential 3.0 that a peer's message causes, each answered with a problem
 * report by the dispatcher.
 */
import { ProtocolProblemError } from '../../engine/errors.js'

/**
 * No attachment of the message is in a format Parley reads: for example a DIF credential manifest
 * (`dif/credential-manifest/*`), which the WACI-DIDComm profile uses and Parley does not.
 */
export class CredentialFormatUnsupportedError extends ProtocolProblemError {
  static override readonly code = 'ERR_CREDENTIAL_FORMAT_UNSUPPORTED'
  static override readonly problemCode = 'e.p.msg.unsupported-format'
}
