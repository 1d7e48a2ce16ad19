/**
 * The dispatcher: every accepted inbound message goes to its protocol's handler, and every
 * failure becomes a problem report here, in one place. A problem report is never answered with
 * one; a received problem report of protocol scope (`e.p.*`) abandons its thread.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#problem-reports
 */
import type { PlaintextMessage } from '../../agent/didcomm/types.js'
import { isParleyError } from '../../agent/errors.js'
import type { InboxSettle, ReceivedMessage } from '../../agent/inbound/types.js'
import { findConnection, upsertConnection } from './connections.js'
import {
  MessageDuplicateError,
  MessageInvalidError,
  ProtocolProblemError,
  ThreadNotFoundError,
} from './errors.js'
import { parseProtocolUri } from './message-type.js'
import { findRecord, isLogged, logMessage } from './record-store.js'
import {
  commitTransition,
  continueThread,
  handlerContext,
  newRecord,
  publish,
  withConflictRetry,
  type EngineCore,
} from './runner.js'
import { isFinal } from './transition.js'
import { PROBLEM_REPORT_EVENT, type Problem, type ProtocolEvent } from './types.js'
import { useInvitation, type InvitationView } from '../out-of-band/2.0/invitations.js'
import { isProblemReportType, readProblemReport } from '../report-problem/2.0/messages.js'
import { sendProblemReport } from './problems.js'

/** Who a dispatched message is from and to. */
export interface Parties {
  ourDid: string
  peerDid: string
}

/**
 * Dispatches one message and answers a failure with a problem report.
 *
 * @param settle - the inbox's record of the message, run inside the transaction that applies
 *   it; a refusal leaves it uncalled.
 * @throws Error only when even the problem report cannot be stored (the database is gone).
 */
export async function dispatch(
  core: EngineCore,
  received: ReceivedMessage,
  parties: Parties,
  settle?: InboxSettle,
): Promise<void> {
  const { message } = received
  if (isProblemReportType(message.type)) {
    return receiveProblemReport(core, message, parties, settle)
  }

  try {
    await withConflictRetry(() => dispatchToHandler(core, received, parties, settle))
  } catch (error) {
    await refuse(core, message, parties, error)
  }
}

async function dispatchToHandler(
  core: EngineCore,
  received: ReceivedMessage,
  { ourDid, peerDid }: Parties,
  settle: InboxSettle | undefined,
): Promise<void> {
  const { message } = received
  const { handler, messageType } = core.registry.resolve(message.type)
  const thid = message.thid ?? message.id
  const manager = core.dataSource.manager

  if (await isLogged(manager, peerDid, message.id)) {
    throw new MessageDuplicateError(`message ${message.id} was already applied`)
  }

  const current = await findRecord(manager, ourDid, thid)
  const eventType = `receive-${messageType.name}`
  if (current !== undefined && current.peerDid !== peerDid) {
    throw new ThreadNotFoundError(`no thread ${thid} with this peer`)
  }
  if (current !== undefined && !sameProtocol(current.protocol, handler.definition.piuri)) {
    throw new MessageInvalidError(`thread ${thid} runs ${current.protocol}, not ${message.type}`)
  }
  if (current === undefined && handler.definition.table.start?.[eventType] === undefined) {
    throw new ThreadNotFoundError(`no thread ${thid} for ${messageType.name}`)
  }

  const base =
    current ??
    newRecord(core, handler, {
      ourDid,
      peerDid,
      thid,
      ...(message.pthid === undefined ? {} : { pthid: message.pthid }),
    })
  const event: ProtocolEvent = handler.receive
    ? await handler.receive(handlerContext(core, base), message)
    : { type: eventType, message }

  const now = new Date(core.now()).toISOString()
  let invitation: InvitationView | undefined
  let connection: Awaited<ReturnType<typeof upsertConnection>> | undefined

  // Checked once, above: the inbound replay cache lets no second copy through while this one
  // runs, and the message log's unique index refuses one that would get here anyway.
  const applied = await commitTransition(core, handler, base, event, async (tx, result) => {
    if (current === undefined && message.pthid !== undefined) {
      const known = await findConnection(tx, ourDid, peerDid)
      invitation = await useInvitation(tx, message.pthid, {
        now,
        alreadyUsedByPeer: known?.invitationId === message.pthid,
      })
    }

    await logMessage(tx, {
      id: core.newId(),
      messageId: message.id,
      direction: 'in',
      thid,
      recordId: result.record.id,
      type: message.type,
      peerDid,
      message,
      createdAt: new Date(received.receivedAt).toISOString(),
    })

    const fingerprint = received.context.certificate?.fingerprint256
    connection = await upsertConnection(tx, {
      ourDid,
      theirDid: peerDid,
      origin: invitation === undefined ? 'inbound' : 'invitation-sent',
      ...(invitation === undefined ? {} : { invitationId: invitation.id }),
      ...(fingerprint === undefined ? {} : { certificateFingerprint: fingerprint }),
      now,
      newId: core.newId,
    })
    await settle?.(tx)
  })

  core.events.emit('message.received', { messageId: message.id, type: message.type, thid, peerDid })
  if (connection !== undefined) core.events.emit('connection.changed', { connection })
  if (invitation !== undefined) {
    core.events.emit('invitation.used', {
      id: invitation.id,
      peerDid,
      useCount: invitation.useCount,
    })
  }
  publish(core, base.state, applied)
  await continueThread(core, handler, applied.record)
}

async function refuse(
  core: EngineCore,
  message: PlaintextMessage,
  parties: Parties,
  error: unknown,
): Promise<void> {
  const log = core.logger.child({
    messageId: message.id,
    type: message.type,
    peerDid: parties.peerDid,
  })

  if (error instanceof MessageDuplicateError) {
    log.warn('duplicate message refused; nothing changed')
    return
  }

  let problem: Problem
  if (error instanceof ProtocolProblemError) {
    log.warn(
      { code: error.code, problemCode: error.problemCode, reason: error.message },
      'message refused',
    )
    problem = { code: error.problemCode, comment: error.message, args: error.args }
  } else if (isParleyError(error) && error.code.startsWith('ERR_STORAGE_')) {
    log.error({ err: error }, 'message not stored')
    problem = { code: 'e.m.me.res.storage', comment: 'The message could not be stored; retry.' }
  } else {
    log.error({ err: error }, 'message failed on our side')
    problem = { code: 'e.p.me', comment: 'The message could not be processed.' }
  }

  const thid = message.thid ?? message.id
  core.events.emit('message.refused', {
    messageId: message.id,
    type: message.type,
    thid,
    peerDid: parties.peerDid,
    code: isParleyError(error) ? error.code : 'ERR_PARLEY',
    problemCode: problem.code,
  })

  await sendProblemReport(core, { ...parties, pthid: thid, problem, ack: [message.id] })
}

async function receiveProblemReport(
  core: EngineCore,
  message: PlaintextMessage,
  { ourDid, peerDid }: Parties,
  settle: InboxSettle | undefined,
): Promise<void> {
  const log = core.logger.child({ messageId: message.id, type: message.type, peerDid })

  try {
    if (await isLogged(core.dataSource.manager, peerDid, message.id)) {
      log.warn('duplicate problem report ignored')
      return
    }

    const { problem, thread } = readProblemReport(message)
    const record =
      thread === undefined ? undefined : await findRecord(core.dataSource.manager, ourDid, thread)
    const mine = record !== undefined && record.peerDid === peerDid ? record : undefined
    const handler = mine === undefined ? undefined : core.registry.get(mine.protocol)
    const thid = thread ?? message.thid ?? message.id
    log.warn({ thid, problemCode: problem.code }, 'problem report received')

    const logIt = async (tx: Parameters<typeof logMessage>[0]) => {
      await logMessage(tx, {
        id: core.newId(),
        messageId: message.id,
        direction: 'in',
        thid,
        ...(mine === undefined ? {} : { recordId: mine.id }),
        type: message.type,
        peerDid,
        message,
        createdAt: new Date(core.now()).toISOString(),
      })
      await settle?.(tx)
    }

    const abandons =
      mine !== undefined &&
      handler !== undefined &&
      problem.code.startsWith('e.p.') &&
      !isFinal(handler.definition, mine.state)

    if (abandons) {
      const event: ProtocolEvent = { type: PROBLEM_REPORT_EVENT, message, problem }
      const applied = await commitTransition(core, handler, mine, event, (tx) => logIt(tx))
      publish(core, mine.state, applied)
    } else {
      await core.dataSource.transaction((tx) => logIt(tx))
    }

    core.events.emit('problem-report.received', {
      messageId: message.id,
      type: message.type,
      thid,
      peerDid,
      code: problem.code,
      ...(problem.comment === undefined ? {} : { comment: problem.comment }),
    })
  } catch (error) {
    // Never answered: a problem report about a problem report could loop between two agents.
    if (!(error instanceof ProtocolProblemError)) throw error
    log.warn({ err: error }, 'problem report not applied')
  }
}

function sameProtocol(a: string, b: string): boolean {
  const x = parseProtocolUri(a)
  const y = parseProtocolUri(b)
  return x.docUri === y.docUri && x.protocol === y.protocol && x.major === y.major
}
