/** How a transport refusal is logged and audited, the same way for HTTPS and WSS. */
import type { AuditLog } from '../audit/log.js'
import type { PeerCertificateInfo } from '../inbound/types.js'
import type { Logger } from '../logger.js'

/** One refusal of a request, frame or connection. */
export interface Refusal {
  transport: 'https' | 'wss'
  code: string
  /** HTTP status or WebSocket close code. */
  status: number
  remoteAddress: string
  certificate?: PeerCertificateInfo
  reason: string
}

/** Logs a refusal at warn (a peer's misbehaviour) and writes its audit entry. */
export async function recordRefusal(
  refusal: Refusal,
  audit: AuditLog | undefined,
  logger: Logger,
): Promise<void> {
  const fields = {
    transport: refusal.transport,
    code: refusal.code,
    status: refusal.status,
    remoteAddress: refusal.remoteAddress,
    fingerprint: refusal.certificate?.fingerprint256,
    peer: refusal.certificate?.did,
    reason: refusal.reason,
  }
  logger.warn(fields, 'refused')
  await audit?.record({ kind: `${refusal.transport}.refused`, ...fields }).catch(() => undefined)
}
