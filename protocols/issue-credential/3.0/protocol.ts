/**
 * Issue Credential 3.0: states in the spec's words and the transition table, for both roles.
 * Every decision here is pure; the handler (`handler.ts`) does the I/O (signing, verifying,
 * storing) before or after it.
 *
 * @see https://github.com/decentralized-identity/waci-didcomm/blob/main/issue_credential/README.md
 */
import { MessageInvalidError } from '../../engine/errors.js'
import {
  START,
  type Decision,
  type JsonObject,
  type ProtocolDefinition,
  type ProtocolEvent,
  type ProtocolRecord,
  type TransitionRule,
} from '../../engine/types.js'
import {
  CREDENTIAL_ACK,
  ISSUE_CREDENTIAL,
  OFFER_CREDENTIAL,
  PROPOSE_CREDENTIAL,
  REQUEST_CREDENTIAL,
  issueMessage,
  readTerms,
  termsMessage,
  type CredentialDetail,
  type CredentialTerms,
} from './messages.js'

/** The states of both roles, as the spec names them. */
export enum IssueCredentialState {
  ProposalSent = 'proposal-sent',
  ProposalReceived = 'proposal-received',
  OfferSent = 'offer-sent',
  OfferReceived = 'offer-received',
  RequestSent = 'request-sent',
  RequestReceived = 'request-received',
  CredentialIssued = 'credential-issued',
  CredentialReceived = 'credential-received',
  Done = 'done',
  Abandoned = 'abandoned',
}

/** The two roles. */
export enum IssueCredentialRole {
  Issuer = 'issuer',
  Holder = 'holder',
}

/** What the thread knows about the credential it issued or received. */
export interface CredentialSummary {
  issuer: string
  subject: string
  type: string[]
  /** ISO 8601. */
  expirationDate?: string
}

/** Protocol data of an issue-credential thread; JSON only. */
export interface IssueCredentialData {
  /** The credential as last proposed, offered or requested. */
  detail?: CredentialDetail
  /** The credential this agent offered, as issuer: a request must ask for exactly this. */
  offered?: CredentialDetail
  comment?: string
  /** The credential issued or received. */
  credential?: CredentialSummary
  /** Why the holder refused the credential: a Parley error code and its message. */
  rejected?: { code: string; reason: string }
}

type State = IssueCredentialState
type Data = IssueCredentialData
type Rec = ProtocolRecord<State, Data>
type Rule = TransitionRule<State, Data>

const S = IssueCredentialState
const { Issuer, Holder } = IssueCredentialRole

/** The problem code a declining party reports. */
export const DECLINED_PROBLEM_CODE = 'e.p.req.declined'

/** The transition table: state, then event, then the rule. */
export const issueCredentialDefinition: ProtocolDefinition<State, Data> = {
  piuri: ISSUE_CREDENTIAL,
  messages: [
    'propose-credential',
    'offer-credential',
    'request-credential',
    'issue-credential',
    'ack',
  ],
  roles: [Issuer, Holder],
  states: Object.values(IssueCredentialState),
  finalStates: [S.Done, S.Abandoned],
  abandonedState: S.Abandoned,
  initialData: () => ({}),
  table: {
    [START]: {
      'send-propose-credential': send(S.ProposalSent, PROPOSE_CREDENTIAL, Holder),
      'send-offer-credential': send(S.OfferSent, OFFER_CREDENTIAL, Issuer),
      'send-request-credential': send(S.RequestSent, REQUEST_CREDENTIAL, Holder),
      'receive-propose-credential': receive(S.ProposalReceived, Issuer),
      'receive-offer-credential': receive(S.OfferReceived, Holder),
      'receive-request-credential': receive(S.RequestReceived, Issuer),
    },
    [S.ProposalSent]: {
      'receive-offer-credential': receive(S.OfferReceived),
    },
    [S.ProposalReceived]: {
      'send-offer-credential': send(S.OfferSent, OFFER_CREDENTIAL),
      decline: { target: S.Abandoned, decide: decline },
    },
    [S.OfferSent]: {
      'receive-request-credential': receive(S.RequestReceived),
      'receive-propose-credential': receive(S.ProposalReceived),
    },
    [S.OfferReceived]: {
      'send-request-credential': send(S.RequestSent, REQUEST_CREDENTIAL),
      'send-propose-credential': send(S.ProposalSent, PROPOSE_CREDENTIAL),
      decline: { target: S.Abandoned, decide: decline },
    },
    [S.RequestReceived]: {
      'send-issue-credential': { target: S.CredentialIssued, decide: issue },
      decline: { target: S.Abandoned, decide: decline },
    },
    [S.RequestSent]: {
      'receive-issue-credential': { target: S.CredentialReceived, decide: accept },
      'reject-issue-credential': { target: S.Abandoned, decide: reject },
    },
    [S.CredentialReceived]: {
      'send-ack': { target: S.Done, decide: ack },
    },
    [S.CredentialIssued]: {
      'receive-ack': { target: S.Done },
    },
  },
}

/** The terms a command carries in its params (`detail`, `comment`), or those already agreed. */
export function termsOf(record: Rec, event: ProtocolEvent): CredentialTerms {
  const params = event.params ?? {}
  const detail = (params['detail'] as CredentialDetail | undefined) ?? record.data.detail
  const comment = typeof params['comment'] === 'string' ? params['comment'] : undefined

  return {
    ...(detail === undefined ? {} : { detail }),
    ...(comment === undefined ? {} : { comment }),
  }
}

function send(target: State, type: string, role?: IssueCredentialRole): Rule {
  return {
    target,
    ...(role === undefined ? {} : { role }),
    decide: (record, event) => {
      const terms = termsOf(record, event)
      const first = (record.state as string) === START ? record.thid : undefined
      const data = withTerms(record.data, terms)
      if (type === OFFER_CREDENTIAL && terms.detail !== undefined) data.offered = terms.detail
      return {
        data,
        effects: [{ kind: 'send', message: termsMessage(type, terms, first) }],
      }
    },
  }
}

function receive(target: State, role?: IssueCredentialRole): Rule {
  return {
    target,
    ...(role === undefined ? {} : { role }),
    decide: (record, event) => {
      if (event.message === undefined) throw new MessageInvalidError('no message to receive')
      return { data: withTerms(record.data, readTerms(event.message)) }
    },
  }
}

function issue(record: Rec, event: ProtocolEvent): Decision<Data> {
  const jwt = event.params?.['jwt']
  const credential = event.params?.['credential'] as CredentialSummary | undefined
  if (typeof jwt !== 'string' || credential === undefined) {
    throw new TypeError('send-issue-credential needs the signed jwt and its summary')
  }

  return {
    data: { ...record.data, credential },
    effects: [{ kind: 'send', message: issueMessage(jwt) }],
  }
}

function accept(record: Rec, event: ProtocolEvent): Decision<Data> {
  const params = event.params ?? {}
  const credential = params['credential'] as CredentialSummary | undefined
  if (credential === undefined) throw new TypeError('receive-issue-credential needs a summary')

  return {
    data: { ...record.data, credential },
    effects: [
      { kind: 'custom', name: 'store-credential', payload: params as JsonObject },
      { kind: 'notify', name: 'credential-received', payload: { ...credential } },
    ],
  }
}

function reject(record: Rec, event: ProtocolEvent): Decision<Data> {
  const code = String(event.params?.['code'] ?? 'ERR_PARLEY')
  const reason = String(event.params?.['reason'] ?? 'the credential was refused')
  const problemCode = String(event.params?.['problemCode'] ?? 'e.p.trust')

  return {
    data: { ...record.data, rejected: { code, reason } },
    effects: [{ kind: 'problem', problem: { code: problemCode, comment: reason, args: [code] } }],
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
          comment: typeof comment === 'string' ? comment : 'The credential was declined.',
        },
      },
    ],
  }
}

function ack(): Decision<Data> {
  return { effects: [{ kind: 'send', message: { type: CREDENTIAL_ACK, body: { status: 'OK' } } }] }
}

function withTerms(data: Data, terms: CredentialTerms): Data {
  return {
    ...data,
    ...(terms.detail === undefined ? {} : { detail: terms.detail }),
    ...(terms.comment === undefined ? {} : { comment: terms.comment }),
  }
}
