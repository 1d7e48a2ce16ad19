/**
 * The issuer's offer rules (`issuer.offerRules` in agent.yml): when a peer answers one of our
 * invitations whose goal code a rule names, this agent offers that rule's credential to the peer,
 * in a new issue-credential 3.0 thread whose `pthid` is the invitation.
 *
 * The offer follows the engine's `invitation.used` event, after the answer committed. An agent
 * stopped between that commit and the offer does not offer again on restart; the peer can still
 * ask with a proposal or a request that matches the rule, which the issuance policy honours.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#out-of-band-messages
 */
import type { DataSource } from 'typeorm'

import type { AgentConfig } from './config/schema.js'
import type { EventBus } from './events/bus.js'
import type { Logger } from './logger.js'
import type { Engine } from '../protocols/engine/engine.js'
import { ISSUE_CREDENTIAL } from '../protocols/issue-credential/3.0/messages.js'
import { findInvitation } from '../protocols/out-of-band/2.0/invitations.js'

/** What {@link startOfferRules} needs. */
export interface OfferRulesOptions {
  rules: AgentConfig['issuer']['offerRules']
  engine: Engine
  events: EventBus
  dataSource: DataSource
  logger: Logger
}

/** The running rules: `stop` unsubscribes and waits for offers in flight. */
export interface OfferRules {
  stop(): Promise<void>
}

/**
 * Subscribes the offer rules to the engine's events. With no rules configured it subscribes to
 * nothing. An offer that cannot be started is logged at error and not retried.
 */
export function startOfferRules(options: OfferRulesOptions): OfferRules {
  const { rules, engine, events, dataSource } = options
  if (rules.length === 0) return { stop: async () => undefined }

  const logger = options.logger.child({ module: 'issuer-rules' })
  const inFlight = new Set<Promise<void>>()

  const offer = async (invitationId: string, peerDid: string): Promise<void> => {
    const invitation = await findInvitation(dataSource.manager, invitationId)
    const goalCode = invitation?.goalCode
    if (goalCode === undefined) return

    for (const rule of rules.filter((candidate) => candidate.goalCode === goalCode)) {
      const record = await engine.startThread({
        protocol: ISSUE_CREDENTIAL,
        peerDid,
        pthid: invitationId,
        event: {
          type: 'send-offer-credential',
          params: { detail: { type: rule.type, claims: rule.claims } },
        },
      })
      logger.info({ thid: record.thid, peerDid, goalCode, type: rule.type }, 'credential offered')
    }
  }

  const unsubscribe = events.on('invitation.used', ({ id, peerDid }) => {
    const work = offer(id, peerDid).catch((error: unknown) => {
      logger.error({ invitationId: id, peerDid, err: error }, 'offer rule failed')
    })
    inFlight.add(work)
    void work.finally(() => inFlight.delete(work))
  })

  return {
    async stop() {
      unsubscribe()
      await Promise.allSettled([...inFlight])
    },
  }
}
