import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import {
  invitationUrl,
  parseInvitation,
  type InvitationMessage,
} from '../../../../protocols/out-of-band/2.0/messages.js'
import { createActor, deliver, specExamples, type Actor } from '../../helpers.js'

type Closable = Actor & { close(): Promise<void> }

const vector = JSON.parse(
  readFileSync(
    join(
      import.meta.dirname,
      '..',
      '..',
      '..',
      '..',
      '..',
      'shared',
      'vectors',
      'didcomm-v2-spec-messages',
      'oob-url-encoding-vector.json',
    ),
    'utf8',
  ),
) as { invitation_url: string; encoded_message: string; decoded_message: InvitationMessage }

describe('out-of-band invitations', () => {
  it('reads the spec URL vector into its invitation', () => {
    expect(parseInvitation(vector.invitation_url)).toEqual(vector.decoded_message)
  })

  it('encodes the spec invitation into the spec URL (base64url, unpadded)', () => {
    expect(invitationUrl('https://example.com/path', vector.decoded_message)).toBe(
      vector.invitation_url,
    )
  })

  it('reads the legacy oob parameter, and padded standard base64', () => {
    const padded = Buffer.from(JSON.stringify(vector.decoded_message)).toString('base64')
    expect(parseInvitation(`https://example.com/?oob=${vector.encoded_message}`)).toEqual(
      vector.decoded_message,
    )
    expect(parseInvitation(`https://example.com/?_oob=${padded}`)).toEqual(vector.decoded_message)
  })

  it('reads the spec invitation JSON with its accept list', async () => {
    const [example] = await specExamples('out_of_band')
    const invitation = { ...example?.json, from: 'did:example:faber' }
    expect(parseInvitation(JSON.stringify(invitation)).body.accept).toEqual([
      'didcomm/v2',
      'didcomm/aip2;env=rfc587',
    ])
  })

  it.each([
    ['a URL without _oob', 'https://example.com/path?x=1'],
    ['text that is neither', 'hello'],
    [
      'an invitation of another version',
      JSON.stringify({
        ...vector.decoded_message,
        type: 'https://didcomm.org/out-of-band/1.1/invitation',
      }),
    ],
    ['an invitation without from', JSON.stringify({ ...vector.decoded_message, from: undefined })],
    [
      'an invitation not accepting didcomm/v2',
      JSON.stringify({ ...vector.decoded_message, body: { accept: ['didcomm/aip2;env=rfc19'] } }),
    ],
  ])('refuses %s with ERR_OOB_INVITATION_INVALID', (_case, input) => {
    expect(() => parseInvitation(input)).toThrow(
      expect.objectContaining({ code: 'ERR_OOB_INVITATION_INVALID' }),
    )
  })
})

describe('out-of-band 2.0 between two agents', () => {
  let alice: Closable
  let bob: Closable
  let carol: Closable

  beforeEach(async () => {
    alice = await createActor('did:example:alice')
    bob = await createActor('did:example:bob')
    carol = await createActor('did:example:carol')
  })
  afterEach(async () => {
    await Promise.all([alice.close(), bob.close(), carol.close()])
  })

  it('connects through an invitation URL: the first message carries pthid = invitation id', async () => {
    const created = await alice.engine.createInvitation({ goalCode: 'connect', goal: 'Meet Alice' })
    expect(created.url.startsWith('https://localhost/didcomm?_oob=')).toBe(true)
    expect(created.invitation.body).toEqual({
      accept: ['didcomm/v2'],
      goal_code: 'connect',
      goal: 'Meet Alice',
    })

    const accepted = await bob.engine.acceptInvitation(created.url)
    const [first] = await bob.outbox.messages()
    expect(first?.pthid).toBe(created.id)
    expect(first?.type).toBe('https://didcomm.org/trust-ping/2.0/ping')

    await deliver(bob, alice)
    await deliver(alice, bob)

    expect((await bob.engine.thread(accepted.record.thid))?.record.state).toBe('done')
    const [aliceSide] = await alice.engine.connections()
    expect(aliceSide).toMatchObject({
      theirDid: bob.did,
      origin: 'invitation-sent',
      invitationId: created.id,
    })
    const [bobSide] = await bob.engine.connections()
    expect(bobSide).toMatchObject({
      theirDid: alice.did,
      origin: 'invitation-accepted',
      invitationId: created.id,
    })
    expect((await alice.engine.invitations())[0]?.useCount).toBe(1)
  })

  it('refuses a single-use invitation already used by another peer', async () => {
    const created = await alice.engine.createInvitation()
    await bob.engine.acceptInvitation(created.url)
    await carol.engine.acceptInvitation(created.url)
    await deliver(bob, alice)
    await deliver(carol, alice)

    const [, report] = await alice.outbox.messages()
    expect(report?.to).toEqual([carol.did])
    expect(report?.body).toMatchObject({ code: 'e.p.req.used' })
    expect((await alice.engine.connections()).map((c) => c.theirDid)).toEqual([bob.did])
  })

  it('lets a multi-use invitation be answered by many peers', async () => {
    const created = await alice.engine.createInvitation({ multiUse: true })
    await bob.engine.acceptInvitation(created.url)
    await carol.engine.acceptInvitation(created.url)
    await deliver(bob, alice)
    await deliver(carol, alice)

    expect((await alice.outbox.messages()).map((m) => m.type)).toEqual([
      'https://didcomm.org/trust-ping/2.0/ping-response',
      'https://didcomm.org/trust-ping/2.0/ping-response',
    ])
    expect((await alice.engine.invitations())[0]?.useCount).toBe(2)
  })

  it('refuses an answer to an expired invitation with e.p.req.time, and changes nothing', async () => {
    const created = await alice.engine.createInvitation({ expiresInSeconds: 60 })
    await bob.engine.acceptInvitation(created.url)
    alice.clock.now += 61_000
    await deliver(bob, alice)

    const [report] = await alice.outbox.messages()
    expect(report?.body).toMatchObject({ code: 'e.p.req.time' })
    expect(await alice.engine.connections()).toEqual([])
    expect(await alice.engine.threads()).toEqual([])
  })

  it('refuses to accept an invitation that has expired', async () => {
    const created = await alice.engine.createInvitation({ expiresInSeconds: 60 })
    bob.clock.now += 60_000

    await expect(bob.engine.acceptInvitation(created.url)).rejects.toMatchObject({
      code: 'ERR_OOB_INVITATION_EXPIRED',
    })
    expect(await bob.outbox.messages()).toEqual([])
  })

  it('accepts an invitation without accept and attachments, and refuses its own', async () => {
    const created = await alice.engine.createInvitation()
    const { accept: _accept, ...body } = created.invitation.body
    const bare = JSON.stringify({ ...created.invitation, body })

    await expect(bob.engine.acceptInvitation(bare)).resolves.toMatchObject({
      invitation: { id: created.id },
    })
    await expect(alice.engine.acceptInvitation(created.url)).rejects.toMatchObject({
      code: 'ERR_OOB_INVITATION_INVALID',
    })
  })

  it('starts the thread registered for the invitation goal code', async () => {
    bob.engine.registerGoal('discover', () => ({
      protocol: 'https://didcomm.org/discover-features/2.0',
      event: { type: 'send-queries' },
    }))
    const created = await alice.engine.createInvitation({ goalCode: 'discover' })
    const { record } = await bob.engine.acceptInvitation(created.url)

    expect(record.protocol).toBe('https://didcomm.org/discover-features/2.0')
    expect(record.pthid).toBe(created.id)
  })
})
