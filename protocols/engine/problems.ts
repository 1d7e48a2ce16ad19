/**
 * Sending a problem report outside a transition: a refused message, in its own transaction
 * (the refused message's transaction, if any, has rolled back).
 */
import { buildProblemReport } from '../report-problem/2.0/messages.js'
import { logMessage } from './record-store.js'
import type { EngineCore } from './runner.js'
import type { Problem } from './types.js'

/** Who gets the report, about which thread. */
export interface ProblemReportTarget {
  ourDid: string
  peerDid: string
  /** The failing thread. */
  pthid: string
  problem: Problem
  /** Ids of the messages that caused the problem. */
  ack?: string[]
  recordId?: string
}

/** Queues a problem report in the outbox and logs it in the failing thread's message log. */
export async function sendProblemReport(
  core: EngineCore,
  target: ProblemReportTarget,
): Promise<void> {
  const now = core.now()
  const createdTime = Math.floor(now / 1000)
  const message = buildProblemReport({
    id: core.newId(),
    from: target.ourDid,
    to: target.peerDid,
    pthid: target.pthid,
    problem: target.problem,
    ...(target.ack === undefined ? {} : { ack: target.ack }),
    createdTime,
    expiresTime: createdTime + core.messageTtlSeconds,
  })

  await core.dataSource.transaction(async (tx) => {
    await logMessage(tx, {
      id: core.newId(),
      messageId: message.id,
      direction: 'out',
      thid: target.pthid,
      ...(target.recordId === undefined ? {} : { recordId: target.recordId }),
      type: message.type,
      peerDid: target.peerDid,
      message,
      createdAt: new Date(now).toISOString(),
    })
    await core.outbox.enqueue(tx, { message })
  })

  core.outbox.kick()
  core.events.emit('message.queued', {
    messageId: message.id,
    type: message.type,
    thid: target.pthid,
    peerDid: target.peerDid,
  })
}
