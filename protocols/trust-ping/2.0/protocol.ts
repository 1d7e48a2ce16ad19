/**
 * Trust Ping 2.0: a `ping`, answered with a `ping-response` when `response_requested` is true.
 *
 * A reply typed `ping` that carries our thread id is taken as the response; it is never answered,
 * so two agents cannot ping each other back and forth forever.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#trust-ping-protocol-20
 */
import { MessageInvalidError } from '../../engine/errors.js'
import type {
  Decision,
  ProtocolDefinition,
  ProtocolEvent,
  ProtocolHandler,
  ProtocolRecord,
} from '../../engine/types.js'

/** The protocol identifier URI. */
export const TRUST_PING = 'https://didcomm.org/trust-ping/2.0'

/** Message type URIs. */
export const PING_TYPE = `${TRUST_PING}/ping`
export const PING_RESPONSE_TYPE = `${TRUST_PING}/ping-response`

/** Trust ping has no states in its spec; these name what the engine stores. */
export enum TrustPingState {
  PingSent = 'ping-sent',
  Done = 'done',
  Abandoned = 'abandoned',
}

/** Protocol data of a trust-ping thread. */
export interface TrustPingData {
  responseRequested?: boolean
  /** Whether a response (or a ping carrying our thread id) arrived. */
  responded?: boolean
}

type Rec = ProtocolRecord<TrustPingState, TrustPingData>

/** The trust-ping 2.0 definition: its transition table. */
export const trustPingDefinition: ProtocolDefinition<TrustPingState, TrustPingData> = {
  piuri: TRUST_PING,
  messages: ['ping', 'ping-response'],
  roles: ['sender', 'receiver'],
  states: Object.values(TrustPingState),
  finalStates: [TrustPingState.Done, TrustPingState.Abandoned],
  abandonedState: TrustPingState.Abandoned,
  initialData: () => ({}),
  table: {
    start: {
      'send-ping': { target: TrustPingState.PingSent, role: 'sender', decide: sendPing },
      'receive-ping': { target: TrustPingState.Done, role: 'receiver', decide: answerPing },
    },
    [TrustPingState.PingSent]: {
      'receive-ping-response': { target: TrustPingState.Done, decide: responded },
      'receive-ping': { target: TrustPingState.Done, decide: responded },
    },
  },
}

/** The trust-ping 2.0 handler: the table alone. */
export const trustPingHandler: ProtocolHandler<TrustPingState, TrustPingData> = {
  definition: trustPingDefinition,
  disclosedRoles: ['sender', 'receiver'],
}

function sendPing(record: Rec, event: ProtocolEvent): Decision<TrustPingData> {
  const responseRequested = event.params?.['responseRequested'] !== false
  return {
    data: { responseRequested },
    effects: [
      {
        kind: 'send',
        message: {
          type: PING_TYPE,
          id: record.thid,
          body: { response_requested: responseRequested },
        },
      },
    ],
  }
}

function answerPing(_record: Rec, event: ProtocolEvent): Decision<TrustPingData> {
  const requested = event.message?.body['response_requested']
  if (requested !== undefined && typeof requested !== 'boolean') {
    throw new MessageInvalidError('response_requested must be a boolean')
  }

  if (requested === false) return { data: { responseRequested: false } }
  return {
    data: { responseRequested: true },
    effects: [{ kind: 'send', message: { type: PING_RESPONSE_TYPE, body: {} } }],
  }
}

function responded(record: Rec): Decision<TrustPingData> {
  return { data: { ...record.data, responded: true } }
}
