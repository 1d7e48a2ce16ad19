/**
 * report-problem 2.0 as a registered protocol. Problem reports never open or move a thread of
 * their own: the dispatcher reads them and abandons the thread they name. The registration makes
 * discover-features disclose the protocol.
 */
import type { ProtocolHandler } from '../../engine/types.js'
import { REPORT_PROBLEM } from './messages.js'

/** The report-problem 2.0 handler: no states, no transitions. */
export const reportProblemHandler: ProtocolHandler<'none'> = {
  definition: {
    piuri: REPORT_PROBLEM,
    messages: ['problem-report'],
    roles: ['notifier', 'notified'],
    states: [],
    finalStates: [],
    abandonedState: 'none',
    table: {},
    initialData: () => ({}),
  },
}
