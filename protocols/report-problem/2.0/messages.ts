/**
 * report-problem 2.0: the one message every failure after unpack is answered with. A problem
 * report is never answered with another one; the dispatcher enforces that.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#problem-reports
 */
import type { PlaintextMessage } from '../../../agent/didcomm/types.js'
import { MessageInvalidError } from '../../engine/errors.js'
import type { Problem } from '../../engine/types.js'

/** The protocol identifier URI. */
export const REPORT_PROBLEM = 'https://didcomm.org/report-problem/2.0'

/** The message type URI of a problem report. */
export const PROBLEM_REPORT_TYPE = `${REPORT_PROBLEM}/problem-report`

/** `sorter.scope.descriptor`: `e` or `w`, then `p` or `m` (or a state name), then descriptors. */
const PROBLEM_CODE = /^[ew]\.[a-z0-9-]+(\.[a-z0-9-]+)*$/

/** What {@link buildProblemReport} needs. */
export interface ProblemReportInput {
  id: string
  from: string
  to: string
  /** The thread the problem is about. */
  pthid: string
  problem: Problem
  /** Ids of the messages that caused the problem. */
  ack?: string[]
  createdTime: number
  expiresTime: number
}

/** A received problem report, read. */
export interface ReceivedProblem {
  problem: Problem
  /** The failing thread: `pthid`, or `thid` from peers that use it instead. */
  thread?: string
}

/** Builds a problem report about a thread. */
export function buildProblemReport(input: ProblemReportInput): PlaintextMessage {
  const body: Record<string, unknown> = { code: input.problem.code }
  if (input.problem.comment !== undefined) body['comment'] = input.problem.comment
  if (input.problem.args !== undefined && input.problem.args.length > 0) {
    body['args'] = input.problem.args
  }

  const message: PlaintextMessage = {
    id: input.id,
    type: PROBLEM_REPORT_TYPE,
    from: input.from,
    to: [input.to],
    pthid: input.pthid,
    created_time: input.createdTime,
    expires_time: input.expiresTime,
    body,
  }
  if (input.ack !== undefined && input.ack.length > 0) message['ack'] = input.ack
  return message
}

/**
 * Reads a problem report's code, comment and args, and the thread it is about.
 *
 * @throws MessageInvalidError (`ERR_ENGINE_MESSAGE_INVALID`) when the code is missing or not in
 *   `sorter.scope.descriptor` form.
 */
export function readProblemReport(message: PlaintextMessage): ReceivedProblem {
  const { code, comment, args } = message.body
  if (typeof code !== 'string' || !PROBLEM_CODE.test(code)) {
    throw new MessageInvalidError('problem report without a valid code')
  }

  const problem: Problem = { code }
  if (typeof comment === 'string') problem.comment = comment
  if (Array.isArray(args)) problem.args = args.map((a) => String(a))

  const thread = message.pthid ?? message.thid
  return thread === undefined ? { problem } : { problem, thread }
}

/** Fills a comment's `{1}`, `{2}` ... placeholders from its args, as the spec describes. */
export function renderComment(problem: Problem): string | undefined {
  if (problem.comment === undefined) return undefined
  return problem.comment.replace(/\{(\d+)\}/g, (whole, n: string) => {
    return problem.args?.[Number(n) - 1] ?? whole
  })
}

/** Whether a message type URI is a problem report of any 2.x version. */
export function isProblemReportType(type: string): boolean {
  return /^https:\/\/didcomm\.org\/report-problem\/2\.\d+\/problem-report$/.test(type)
}
