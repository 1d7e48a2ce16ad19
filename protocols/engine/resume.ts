/**
 * Resuming threads after a restart. A transition commits before its handler's `onState`
 * continuation runs, so a crash in between leaves an open thread that nothing moves on: an
 * issuer that stored a request but never signed, a holder that stored a credential but never
 * acknowledged it. At start the engine asks `onState` again for every open thread.
 *
 * Asking again is safe because `onState` decides from the stored record alone: a thread whose
 * continuation already ran is in a state whose `onState` answers nothing new, and a step that did
 * run is version-checked, so two runs racing store one transition.
 */
import { IsNull, Not } from 'typeorm'

import { ProtocolRecordEntity } from '../../storage/record-entity.js'
import { TRUST_PING } from '../trust-ping/2.0/protocol.js'
import { recordFromEntity } from './record-store.js'
import type { ProtocolRegistry } from './registry.js'
import { commitTransition, continueThread, newRecord, publish, type EngineCore } from './runner.js'
import { isFinal } from './transition.js'
import type { ProtocolRecord } from './types.js'

/** Options of {@link resumeThreads}. */
export interface ResumeOptions {
  /**
   * Also ping each peer of an open thread, so that an agent with no endpoint of its own opens a
   * connection on which the peer's waiting replies (and the ping's response) come back.
   */
  reopenRoutes?: boolean
}

/** What a resume did. */
export interface ResumeResult {
  /** Open threads whose continuation stored at least one more transition. */
  continued: number
  /** Peers pinged to reopen their return route. */
  pinged: number
}

/**
 * The stored threads whose continuation a restart may have cut short: those not in a final state,
 * of a registered protocol whose handler continues threads on its own. Pure.
 */
export function threadsToResume(
  records: readonly ProtocolRecord[],
  registry: Pick<ProtocolRegistry, 'get'>,
): ProtocolRecord[] {
  return records.filter((record) => {
    const handler = registry.get(record.protocol)
    if (handler?.onState === undefined) return false
    return !isFinal(handler.definition, record.state)
  })
}

/**
 * The peers to ping so that their replies find a route back: one per peer of an open thread
 * (trust-ping threads aside: they are what a resume opens), in order of first appearance, each
 * with the DID of ours that thread uses. Pure.
 */
export function peersToReopen(
  records: readonly ProtocolRecord[],
  registry: Pick<ProtocolRegistry, 'get'>,
): { ourDid: string; peerDid: string }[] {
  const seen = new Set<string>()
  const peers: { ourDid: string; peerDid: string }[] = []
  for (const record of records) {
    const handler = registry.get(record.protocol)
    if (handler === undefined || record.protocol === TRUST_PING) continue
    if (isFinal(handler.definition, record.state) || seen.has(record.peerDid)) continue
    seen.add(record.peerDid)
    peers.push({ ourDid: record.ourDid, peerDid: record.peerDid })
  }
  return peers
}

/**
 * Runs `onState` again for every open thread, oldest change first, each continuation in its own
 * transactions; a failure is logged and leaves that thread as it was. With `reopenRoutes`, then
 * pings each peer of a thread still open.
 */
export async function resumeThreads(
  core: EngineCore,
  options: ResumeOptions = {},
): Promise<ResumeResult> {
  const open = await openThreads(core)

  let continued = 0
  for (const record of threadsToResume(open, core.registry)) {
    const handler = core.registry.get(record.protocol)
    if (handler === undefined) continue
    const after = await continueThread(core, handler, record)
    if (after.version !== record.version) continued++
  }

  let pinged = 0
  if (options.reopenRoutes === true) {
    for (const peer of peersToReopen(await openThreads(core), core.registry)) {
      if (await ping(core, peer)) pinged++
    }
  }

  core.logger.info({ open: open.length, continued, pinged }, 'threads resumed')
  return { continued, pinged }
}

async function openThreads(core: EngineCore): Promise<ProtocolRecord[]> {
  const rows = await core.dataSource.manager.find(ProtocolRecordEntity, {
    where: { timeoutAt: Not(IsNull()) },
    order: { updatedAt: 'ASC' },
  })
  return rows.map(recordFromEntity)
}

/** A trust ping asking for a response: the response comes back on the connection it opens. */
async function ping(
  core: EngineCore,
  parties: { ourDid: string; peerDid: string },
): Promise<boolean> {
  const handler = core.registry.get(TRUST_PING)
  if (handler === undefined) return false

  try {
    const base = newRecord(core, handler, { ...parties, thid: core.newId() })
    const event = { type: 'send-ping', params: { responseRequested: true } }
    const applied = await commitTransition(core, handler, base, event)
    publish(core, base.state, applied)
    return true
  } catch (error) {
    core.logger.warn({ peerDid: parties.peerDid, err: error }, 'route not reopened')
    return false
  }
}
