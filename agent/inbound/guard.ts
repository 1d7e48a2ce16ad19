/**
 * The guard: checks made on an unpacked message before it is stored. Pure functions over the
 * configuration; the replay check, which needs the database, lives in `store.ts`.
 */
import type { PlaintextMessage, UnpackResult } from '../didcomm/types.js'
import {
  GuardBindingMismatchError,
  GuardPeerDeniedError,
  GuardTooOldError,
  GuardUndatedError,
} from './errors.js'
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

/**
 * Checks that a message is dated and no older than the replay window: the replay cache forgets
 * ids after `maxAgeSeconds`, so only messages younger than that can be judged fresh.
 *
 * @param now - milliseconds since the epoch.
 * @throws GuardUndatedError (`ERR_GUARD_UNDATED`) without an integer `created_time`.
 * @throws GuardTooOldError (`ERR_GUARD_TOO_OLD`) when `created_time` is older than the window.
 */
export function checkAge(message: PlaintextMessage, now: number, maxAgeSeconds: number): void {
  const created = message.created_time
  if (typeof created !== 'number' || !Number.isInteger(created)) {
    throw new GuardUndatedError(`message ${message.id} has no created_time`)
  }

  const ageSeconds = Math.floor(now / 1000) - created
  if (ageSeconds > maxAgeSeconds) {
    throw new GuardTooOldError(
      `message ${message.id} is ${ageSeconds} s old; at most ${maxAgeSeconds} s is accepted`,
    )
  }
}
