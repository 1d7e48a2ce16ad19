/**
 * Present Proof 3.0: states in the spec's words and the transition table, for the verifier and
 * the prover. Every decision here is pure; the handler (`handler.ts`) verifies, decides access
 * and builds presentations before the table decides.
 *
 * @see https://github.com/decentralized-identity/waci-didcomm/blob/main/present_proof/present-proof-v3.md
 */
import type { CheckOutcome } from '../../../agent/credentials/verify.js'
import { MessageInvalidError } from '../../engine/errors.js'
import {
  START,
  type Decision,
  type ProtocolDefinition,
  type ProtocolEvent,
  type ProtocolRecord,
  type TransitionRule,
} from '../../engine/types.js'
import { DECLINED_PROBLEM_CODE } from '../../issue-credential/3.0/protocol.js'
import {
  PRESENTATION_ACK,
  PRESENT_PROOF,
  PROPOSE_PRESENTATION,
  presentationMessage,
  readRequest,
  requestMessage,
  type PresentationRequest,
} from './messages.js'

/** The states of both roles, as the spec names them. */
export enum PresentProofState {
  ProposalSent = 'proposal-sent',
  ProposalReceived = 'proposal-received',
  RequestSent = 'request-sent',
  RequestReceived = 'request-received',
  PresentationSent = 'presentation-sent',
  PresentationReceived = 'presentation-received',
  Done = 'done',
  Abandoned = 'abandoned',
}

/** The two roles. */
export enum PresentProofRole {
  Verifier = 'verifier',
  Prover = 'prover',
}

/** Protocol data of a present-proof thread; JSON only. */
export interface PresentProofData {
  /** The request, as sent (verifier) or received (prover). */
  request?: PresentationRequest
  /** Verifier: the protected resource whose policy the request serves. */
  resource?: string
  /** Verifier: the issuers trusted for the request's definition. */
  trustedIssuers?: string[]
  /** Verifier: every check of the received presentation, recorded on the thread. */
  checks?: CheckOutcome[]
  /** Verifier: the access decision taken from the verified claims. */
  decision?: { id: string; result: 'permit' | 'deny'; reason?: string; expiresAt?: string }
  /** Prover: what was presented. */
  presented?: { definitionId: string; credentials: string[] }
  /** Why the presentation was refused: a Parley error code and its message. */
  rejected?: { code: string; reason: string }
  comment?: string
}

type State = PresentProofState
type Data = PresentProofData
type Rec = ProtocolRecord<State, Data>
type Rule = TransitionRule<State, Data>

const S = PresentProofState
const { Verifier, Prover } = PresentProofRole

/** The transition table: state, then event, then the rule. */
export const presentProofDefinition: ProtocolDefinition<State, Data> = {
  piuri: PRESENT_PROOF,
  messages: ['propose-presentation', 'request-presentation', 'presentation', 'ack'],
  roles: [Verifier, Prover],
  states: Object.values(PresentProofState),
  finalStates: [S.Done, S.Abandoned],
  abandonedState: S.Abandoned,
  initialData: () => ({}),
  table: {
    [START]: {
      'send-request-presentation': { target: S.RequestSent, role: Verifier, decide: request },
      'send-propose-presentation': { target: S.ProposalSent, role: Prover, decide: propose },
      'receive-propose-presentation': { target: S.ProposalReceived, role: Verifier },
      'receive-request-presentation': receiveRequest(Prover),
    },
    [S.ProposalReceived]: {
      'send-request-presentation': { target: S.RequestSent, decide: request },
      decline: { target: S.Abandoned, decide: decline },
    },
    [S.ProposalSent]: {
      'receive-request-presentation': receiveRequest(),
    },
    [S.RequestReceived]: {
      'send-presentation': { target: S.PresentationSent, decide: present },
      'send-propose-presentation': { target: S.ProposalSent, decide: propose },
      decline: { target: S.Abandoned, decide: decline },
    },
    [S.RequestSent]: {
      'receive-presentation': { target: S.PresentationReceived, decide: accept },
      'reject-presentation': { target: S.Abandoned, decide: reject },
      'receive-propose-presentation': { target: S.ProposalReceived },
    },
    [S.PresentationReceived]: {
      'send-ack': { target: S.Done, decide: ack },
    },
    [S.PresentationSent]: {
      'receive-ack': { target: S.Done },
      complete: { target: S.Done },
    },
  },
}

function request(record: Rec, event: ProtocolEvent): Decision<Data> {
  const params = event.params ?? {}
  const request = params['request'] as PresentationRequest | undefined
  if (request === undefined) throw new TypeError('send-request-presentation needs the request')

  const first = (record.state as string) === START ? record.thid : undefined
  return {
    data: {
      ...record.data,
      request,
      trustedIssuers: (params['trustedIssuers'] as string[] | undefined) ?? [],
      ...(typeof params['resource'] === 'string' ? { resource: params['resource'] } : {}),
    },
    effects: [{ kind: 'send', message: requestMessage(request, first) }],
  }
}

function propose(record: Rec, event: ProtocolEvent): Decision<Data> {
  const comment = event.params?.['comment']
  const first = (record.state as string) === START ? record.thid : undefined
  return {
    data: record.data,
    effects: [
      {
        kind: 'send',
        message: {
          type: PROPOSE_PRESENTATION,
          ...(first === undefined ? {} : { id: first }),
          body: typeof comment === 'string' ? { comment } : {},
        },
      },
    ],
  }
}

function receiveRequest(role?: PresentProofRole): Rule {
  return {
    target: S.RequestReceived,
    ...(role === undefined ? {} : { role }),
    decide: (record, event) => {
      if (event.message === undefined) throw new MessageInvalidError('no message to receive')
      return { data: { ...record.data, request: readRequest(event.message) } }
    },
  }
}

function present(record: Rec, event: ProtocolEvent): Decision<Data> {
  const params = event.params ?? {}
  const jwt = params['jwt']
  const presented = params['presented'] as Data['presented']
  if (typeof jwt !== 'string' || presented === undefined) {
    throw new TypeError('send-presentation needs the signed jwt and what it presents')
  }

  return {
    data: { ...record.data, presented },
    effects: [{ kind: 'send', message: presentationMessage(jwt) }],
  }
}

function accept(record: Rec, event: ProtocolEvent): Decision<Data> {
  const params = event.params ?? {}
  const decision = params['decision'] as Data['decision']
  return {
    data: {
      ...record.data,
      checks: params['checks'] as CheckOutcome[],
      ...(decision === undefined ? {} : { decision }),
    },
    effects: [
      {
        kind: 'notify',
        name: 'presentation-verified',
        payload: { checks: params['checks'], decision: decision ?? null },
      },
    ],
  }
}

function reject(record: Rec, event: ProtocolEvent): Decision<Data> {
  const params = event.params ?? {}
  const code = String(params['code'] ?? 'ERR_PRESENTATION_REJECTED')
  const reason = String(params['reason'] ?? 'the presentation was refused')
  const decision = params['decision'] as Data['decision']

  return {
    data: {
      ...record.data,
      checks: (params['checks'] as CheckOutcome[] | undefined) ?? [],
      rejected: { code, reason },
      ...(decision === undefined ? {} : { decision }),
    },
    effects: [
      {
        kind: 'problem',
        problem: {
          code: String(params['problemCode'] ?? 'e.p.trust'),
          comment: reason,
          args: [code],
        },
      },
    ],
  }
}

function ack(record: Rec): Decision<Data> {
  if (record.data.request?.willConfirm !== true) return {}
  return {
    effects: [{ kind: 'send', message: { type: PRESENTATION_ACK, body: { status: 'OK' } } }],
  }
}

function decline(record: Rec, event: ProtocolEvent): Decision<Data> {
  const comment = event.params?.['comment']
  return {
    data: record.data,
    effects: [
      {
        kind: 'problem',
        problem: {
          code: DECLINED_PROBLEM_CODE,
          comment: typeof comment === 'string' ? comment : 'The presentation was declined.',
        },
      },
    ],
  }
}
