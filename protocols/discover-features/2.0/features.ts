/**
 * Matching discover-features queries against this agent's features, and reading disclosures.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#queries-message-type
 */
import type { PlaintextMessage } from '../../../agent/didcomm/types.js'
import { MessageInvalidError } from '../../engine/errors.js'

/** One query: a feature type and a match pattern where `*` is a wildcard. */
export interface FeatureQuery {
  'feature-type': string
  match: string
}

/** One disclosed feature. */
export interface Disclosure {
  'feature-type': string
  id: string
  roles?: string[]
}

/** A feature this agent has: a protocol (with the roles it plays) or a goal code. */
export type Feature = Disclosure

/**
 * Reads and checks a `queries` message's body.
 *
 * @throws MessageInvalidError (`ERR_ENGINE_MESSAGE_INVALID`) when `queries` is not a list of
 *   `{feature-type, match}` objects.
 */
export function readQueries(message: PlaintextMessage): FeatureQuery[] {
  const { queries } = message.body
  if (!Array.isArray(queries)) throw new MessageInvalidError('queries must be a list')

  return queries.map((query: unknown) => {
    const q = query as Record<string, unknown> | null
    if (typeof q?.['feature-type'] !== 'string' || typeof q['match'] !== 'string') {
      throw new MessageInvalidError('each query needs a feature-type and a match')
    }
    return { 'feature-type': q['feature-type'], match: q['match'] }
  })
}

/**
 * Reads a `disclose` (or legacy `disclosures`) message's body.
 *
 * @throws MessageInvalidError (`ERR_ENGINE_MESSAGE_INVALID`) when `disclosures` is not a list of
 *   `{feature-type, id}` objects.
 */
export function readDisclosures(message: PlaintextMessage): Disclosure[] {
  const { disclosures } = message.body
  if (!Array.isArray(disclosures)) throw new MessageInvalidError('disclosures must be a list')

  return disclosures.map((item: unknown) => {
    const d = item as Record<string, unknown> | null
    if (typeof d?.['feature-type'] !== 'string' || typeof d['id'] !== 'string') {
      throw new MessageInvalidError('each disclosure needs a feature-type and an id')
    }
    const disclosure: Disclosure = { 'feature-type': d['feature-type'], id: d['id'] }
    if (Array.isArray(d['roles'])) disclosure.roles = d['roles'].map(String)
    return disclosure
  })
}

/** The features that match any query, each once, in the order of the feature list. */
export function matchFeatures(features: readonly Feature[], queries: FeatureQuery[]): Disclosure[] {
  const patterns = queries.map((q) => ({ type: q['feature-type'], regex: wildcard(q.match) }))
  return features.filter((feature) =>
    patterns.some((p) => p.type === feature['feature-type'] && p.regex.test(feature.id)),
  )
}

function wildcard(match: string): RegExp {
  const escaped = match.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\/]/g, '\\$&'))
  return new RegExp(`^${escaped.join('.*')}$`)
}
