/**
 * The protocols every engine carries, and the features it discloses through discover-features.
 */
import { createDiscoverFeaturesHandler } from '../discover-features/2.0/protocol.js'
import type { Feature } from '../discover-features/2.0/features.js'
import type { InvitationMessage } from '../out-of-band/2.0/messages.js'
import { outOfBandHandler } from '../out-of-band/2.0/protocol.js'
import { reportProblemHandler } from '../report-problem/2.0/protocol.js'
import { trustPingHandler } from '../trust-ping/2.0/protocol.js'
import type { ProtocolRegistry } from './registry.js'
import type { ProtocolEvent, ProtocolHandler } from './types.js'

/** The thread an invitee starts when it accepts an invitation: which protocol, which command. */
export interface GoalStart {
  /** Protocol identifier URI of a registered protocol. */
  protocol: string
  event: ProtocolEvent
}

/** Decides the first thread for an invitation with a given goal code. */
export type GoalStarter = (invitation: InvitationMessage) => GoalStart | Promise<GoalStart>

/** The built-in handlers, discover-features reading the features through `features`. */
export function createBuiltinHandlers(
  features: () => Feature[],
): ProtocolHandler<string, object>[] {
  return [
    reportProblemHandler,
    outOfBandHandler,
    trustPingHandler,
    createDiscoverFeaturesHandler(features),
  ] as unknown as ProtocolHandler<string, object>[]
}

/** Every registered protocol with its roles, then every goal code served. */
export function featuresOf(
  registry: ProtocolRegistry,
  goals: ReadonlyMap<string, GoalStarter>,
): Feature[] {
  const handlers = registry.handlers()
  const protocols: Feature[] = handlers.map((handler) => ({
    'feature-type': 'protocol',
    id: handler.definition.piuri,
    roles: [...(handler.disclosedRoles ?? handler.definition.roles)],
  }))
  const goalCodes = new Set([...handlers.flatMap((h) => h.goalCodes ?? []), ...goals.keys()])
  const goalFeatures: Feature[] = [...goalCodes]
    .sort()
    .map((id) => ({ 'feature-type': 'goal-code', id }))

  return [...protocols, ...goalFeatures]
}
