/**
 * The guard: checks made on an unpacked message before it is stored. Pure functions over the
 * configuration; the replay check, which needs the database, lives in `store.ts`.
 */
import type { UnpackResult } from '../didcomm/types.js'
import { GuardBindingMismatchError, GuardPeerDeniedError } from './errors.js'
import type { InboundContext } from './types.js'

/** The parts of `agent.yml` the guard reads. */
export interface GuardSettings {
  /** `transport.tls.bindDid`. */
  bindDid: boolean
  /** `peers.allow`: when not empty, only these DIDs may talk to the agent. */
  allow: string[]
  /** `peers.deny`. */
  deny: string[]
}

/**
 * The DID a message provably comes from: the authcrypt sender or signer, or else the `from`
 * header when the client certificate names that same DID (the TLS layer vouches for it).
 */
export function provenIdentity(
  unpacked: UnpackResult,
  context: InboundContext,
): string | undefined {
  if (unpacked.sender !== undefined) return unpacked.sender
  const bound = context.certificate?.did
  if (bound !== undefined && unpacked.message.from === bound) return bound
  return undefined
}

/**
 * Checks that the DID named in the client certificate is the message's `from` and its proven
 * sender. A certificate without a DID binds nothing.
 *
 * @throws GuardBindingMismatchError (`ERR_GUARD_BINDING_MISMATCH`)
 */
export function checkBinding(
  unpacked: UnpackResult,
  context: InboundContext,
  settings: GuardSettings,
): void {
  const bound = context.certificate?.did
  if (!settings.bindDid || bound === undefined) return

  if (unpacked.message.from !== bound) {
    throw new GuardBindingMismatchError(
      `the certificate names ${bound} but the message is from ${unpacked.message.from ?? 'nobody'}`,
    )
  }

  if (unpacked.sender !== undefined && unpacked.sender !== bound) {
    throw new GuardBindingMismatchError(
      `the certificate names ${bound} but the message was sent by ${unpacked.sender}`,
    )
  }
}

/**
 * Applies `peers.deny` and `peers.allow` to the proven sender. With an allowlist, a message whose
 * sender is not proven is refused: fail closed.
 *
 * @throws GuardPeerDeniedError (`ERR_GUARD_PEER_DENIED`)
 */
export function checkPeer(identity: string | undefined, settings: GuardSettings): void {
  if (identity !== undefined && settings.deny.includes(identity)) {
    throw new GuardPeerDeniedError(`${identity} is on the deny list`)
  }

  if (settings.allow.length > 0 && (identity === undefined || !settings.allow.includes(identity))) {
    throw new GuardPeerDeniedError(`${identity ?? 'an unproven sender'} is not on the allow list`)
  }
}
