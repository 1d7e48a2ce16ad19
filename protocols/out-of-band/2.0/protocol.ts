/**
 * Out-of-band 2.0 as a registered protocol. An invitation travels outside DIDComm (a URL, a QR
 * code), so no thread runs under this protocol: it is registered so that discover-features
 * discloses it, and an invitation arriving as a DIDComm message is refused as unexpected.
 */
import type { ProtocolHandler } from '../../engine/types.js'
import { OUT_OF_BAND } from './messages.js'

/** The out-of-band 2.0 handler: no states, no transitions. */
export const outOfBandHandler: ProtocolHandler<'none'> = {
  definition: {
    piuri: OUT_OF_BAND,
    messages: ['invitation'],
    roles: ['inviter', 'invitee'],
    states: [],
    finalStates: [],
    abandonedState: 'none',
    table: {},
    initialData: () => ({}),
  },
}
