import { join } from 'node:path'

import type { DataSource } from 'typeorm'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { EventBus } from '../../agent/events/bus.js'
import { startOfferRules } from '../../agent/issuer-rules.js'
import { silentLogger } from '../../agent/logger.js'
import type { StartThreadInput } from '../../protocols/engine/commands.js'
import type { Engine } from '../../protocols/engine/engine.js'
import { ISSUE_CREDENTIAL } from '../../protocols/issue-credential/3.0/messages.js'
import { storeInvitation } from '../../protocols/out-of-band/2.0/invitations.js'
import { buildInvitation } from '../../protocols/out-of-band/2.0/messages.js'
import { openDataSource } from '../../storage/datasource.js'
import { tempDir } from '../helpers/tmp.js'

const ACME = 'did:example:acme'
const KYC_RULE = { goalCode: 'kyc', type: 'KycCredential', claims: { kycLevel: 2 } }
const MEMBER_RULE = { goalCode: 'kyc', type: 'MemberCredential', claims: { since: 2020 } }

describe('the offer rules of issuer.offerRules', () => {
  let dataSource: DataSource
  let cleanup: () => void
  const started: StartThreadInput[] = []
  const engine = {
    startThread: async (input: StartThreadInput) => {
      started.push(input)
      return { thid: `thread-${started.length}` }
    },
  } as unknown as Engine

  beforeEach(async () => {
    const temp = tempDir('parley-rules-')
    cleanup = temp.cleanup
    dataSource = await openDataSource({
      type: 'sqlite',
      path: join(temp.dir, 'rules.sqlite'),
      busyTimeoutMs: 5000,
    })
    const createdAt = new Date().toISOString()
    for (const [id, goalCode] of [
      ['inv-kyc', 'kyc'],
      ['inv-other', 'connect'],
      ['inv-none', undefined],
    ] as const) {
      const invitation = buildInvitation({
        id,
        from: ACME,
        createdTime: 0,
        ...(goalCode === undefined ? {} : { goalCode }),
      })
      await storeInvitation(dataSource.manager, invitation, { multiUse: true, createdAt })
    }
  })
  afterEach(async () => {
    started.splice(0)
    await dataSource.destroy()
    cleanup()
  })

  it("offers each matching rule's credential to the peer, in a thread under the invitation", async () => {
    const events = new EventBus()
    const rules = startOfferRules({
      rules: [KYC_RULE, MEMBER_RULE, { ...KYC_RULE, goalCode: 'other' }],
      engine,
      events,
      dataSource,
      logger: silentLogger(),
    })

    events.emit('invitation.used', { id: 'inv-kyc', peerDid: 'did:example:alice', useCount: 1 })
    await rules.stop()

    expect(started).toEqual(
      [KYC_RULE, MEMBER_RULE].map((rule) => ({
        protocol: ISSUE_CREDENTIAL,
        peerDid: 'did:example:alice',
        pthid: 'inv-kyc',
        event: {
          type: 'send-offer-credential',
          params: { detail: { type: rule.type, claims: rule.claims } },
        },
      })),
    )
  })

  it.each([
    ['another goal code', 'inv-other'],
    ['no goal code', 'inv-none'],
    ['an invitation it does not know', 'inv-unknown'],
  ])('offers nothing for an invitation with %s', async (_case, id) => {
    const events = new EventBus()
    const rules = startOfferRules({
      rules: [KYC_RULE],
      engine,
      events,
      dataSource,
      logger: silentLogger(),
    })

    events.emit('invitation.used', { id, peerDid: 'did:example:alice', useCount: 1 })
    await rules.stop()

    expect(started).toEqual([])
  })
})
