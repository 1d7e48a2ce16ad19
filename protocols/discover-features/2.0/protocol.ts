/**
 * Discover Features 2.0: `queries` answered with a `disclose` listing the matching protocols and
 * goal codes; `*` matches any run of characters. A reply named `disclosures`, sent by some older
 * peers, is read as a `disclose`.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#discover-features-protocol-20
 */
import type { PlaintextMessage } from '../../../agent/didcomm/types.js'
import { MessageInvalidError } from '../../engine/errors.js'
import type {
  Decision,
  HandlerContext,
  ProtocolDefinition,
  ProtocolEvent,
  ProtocolHandler,
  ProtocolRecord,
} from '../../engine/types.js'
import {
  matchFeatures,
  readDisclosures,
  readQueries,
  type Disclosure,
  type Feature,
} from './features.js'

/** The protocol identifier URI. */
export const DISCOVER_FEATURES = 'https://didcomm.org/discover-features/2.0'

/** Message type URIs. */
export const QUERIES_TYPE = `${DISCOVER_FEATURES}/queries`
export const DISCLOSE_TYPE = `${DISCOVER_FEATURES}/disclose`

/** The spec names no states; these name what the engine stores. */
export enum DiscoverFeaturesState {
  QueriesSent = 'queries-sent',
  Done = 'done',
  Abandoned = 'abandoned',
}

/** Protocol data of a discover-features thread. */
export interface DiscoverFeaturesData {
  queries?: { 'feature-type': string; match: string }[]
  disclosures?: Disclosure[]
}

type Rec = ProtocolRecord<DiscoverFeaturesState, DiscoverFeaturesData>

/** The discover-features 2.0 definition: its transition table. */
export const discoverFeaturesDefinition: ProtocolDefinition<
  DiscoverFeaturesState,
  DiscoverFeaturesData
> = {
  piuri: DISCOVER_FEATURES,
  messages: ['queries', 'disclose', 'disclosures'],
  roles: ['requester', 'responder'],
  states: Object.values(DiscoverFeaturesState),
  finalStates: [DiscoverFeaturesState.Done, DiscoverFeaturesState.Abandoned],
  abandonedState: DiscoverFeaturesState.Abandoned,
  initialData: () => ({}),
  table: {
    start: {
      'send-queries': {
        target: DiscoverFeaturesState.QueriesSent,
        role: 'requester',
        decide: sendQueries,
      },
      'receive-queries': {
        target: DiscoverFeaturesState.Done,
        role: 'responder',
        decide: disclose,
      },
      'receive-disclose': { target: DiscoverFeaturesState.Done, role: 'requester', decide: record },
      'receive-disclosures': {
        target: DiscoverFeaturesState.Done,
        role: 'requester',
        decide: record,
      },
    },
    [DiscoverFeaturesState.QueriesSent]: {
      'receive-disclose': { target: DiscoverFeaturesState.Done, decide: record },
      'receive-disclosures': { target: DiscoverFeaturesState.Done, decide: record },
    },
  },
}

/**
 * Creates the discover-features handler over the features this agent has, read each time a
 * query arrives (protocols registered later are disclosed too).
 */
export function createDiscoverFeaturesHandler(
  features: () => Feature[],
): ProtocolHandler<DiscoverFeaturesState, DiscoverFeaturesData> {
  return {
    definition: discoverFeaturesDefinition,
    disclosedRoles: ['requester', 'responder'],
    async receive(
      _ctx: HandlerContext<DiscoverFeaturesState, DiscoverFeaturesData>,
      message: PlaintextMessage,
    ): Promise<ProtocolEvent> {
      const name = message.type.slice(message.type.lastIndexOf('/') + 1)
      if (name !== 'queries') return { type: `receive-${name}`, message }

      const queries = readQueries(message)
      return {
        type: 'receive-queries',
        message,
        params: { queries, disclosures: matchFeatures(features(), queries) },
      }
    },
  }
}

function sendQueries(record: Rec, event: ProtocolEvent): Decision<DiscoverFeaturesData> {
  const queries = (event.params?.['queries'] as DiscoverFeaturesData['queries']) ?? [
    { 'feature-type': 'protocol', match: '*' },
  ]
  return {
    data: { queries },
    effects: [
      { kind: 'send', message: { type: QUERIES_TYPE, id: record.thid, body: { queries } } },
    ],
  }
}

function disclose(_record: Rec, event: ProtocolEvent): Decision<DiscoverFeaturesData> {
  const disclosures = event.params?.['disclosures'] as Disclosure[] | undefined
  if (disclosures === undefined) throw new MessageInvalidError('queries were not evaluated')

  return {
    data: { queries: event.params?.['queries'] as DiscoverFeaturesData['queries'], disclosures },
    effects: [{ kind: 'send', message: { type: DISCLOSE_TYPE, body: { disclosures } } }],
  }
}

function record(current: Rec, event: ProtocolEvent): Decision<DiscoverFeaturesData> {
  if (event.message === undefined) throw new MessageInvalidError('no disclose message')
  return { data: { ...current.data, disclosures: readDisclosures(event.message) } }
}
