import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import type { PackForm } from '../../../agent/didcomm/types.js'
import { tempDir } from '../../helpers/tmp.js'
import { message, openAgent, type TestAgent } from './agents.js'

const EXPECTED: Record<
  PackForm,
  {
    mediaType: string
    authenticated: boolean
    nonRepudiation: boolean
    anonymousSender: boolean
    encrypted: boolean
  }
> = {
  authcrypt: {
    mediaType: 'application/didcomm-encrypted+json',
    encrypted: true,
    authenticated: true,
    nonRepudiation: false,
    anonymousSender: false,
  },
  anoncrypt: {
    mediaType: 'application/didcomm-encrypted+json',
    encrypted: true,
    authenticated: false,
    nonRepudiation: false,
    anonymousSender: true,
  },
  signed: {
    mediaType: 'application/didcomm-signed+json',
    encrypted: false,
    authenticated: true,
    nonRepudiation: true,
    anonymousSender: false,
  },
  'signed-authcrypt': {
    mediaType: 'application/didcomm-encrypted+json',
    encrypted: true,
    authenticated: true,
    nonRepudiation: true,
    anonymousSender: false,
  },
  'signed-anoncrypt': {
    mediaType: 'application/didcomm-encrypted+json',
    encrypted: true,
    authenticated: true,
    nonRepudiation: true,
    anonymousSender: true,
  },
}

describe('round trips between two fresh agents', () => {
  const tmp = tempDir()
  let alice: TestAgent
  let bob: TestAgent

  beforeAll(async () => {
    alice = await openAgent(tmp.dir, 'alice')
    bob = await openAgent(tmp.dir, 'bob', {
      endpoints: ['https://bob.example/a', 'wss://bob.example/b'],
    })
  })

  afterAll(async () => {
    await alice.dataSource.destroy()
    await bob.dataSource.destroy()
    tmp.cleanup()
  })

  for (const form of Object.keys(EXPECTED) as PackForm[]) {
    it(`delivers a ${form} message with its sender and protection`, async () => {
      const sent = message(alice.identity.did, bob.identity.did)
      const packed = await alice.codec.pack(sent, { form })
      const { message: received, metadata, sender } = await bob.codec.unpack(packed.packed)

      expect(packed.mediaType).toBe(EXPECTED[form].mediaType)
      expect(received).toMatchObject(sent)
      expect(Number.isInteger(received.created_time)).toBe(true)
      expect(received.expires_time).toBe((received.created_time as number) + 3600)
      expect(metadata).toMatchObject(EXPECTED[form])
      expect(sender).toBe(form === 'anoncrypt' ? undefined : alice.identity.did)
    })
  }

  it('encrypts to and from key-agreement DID URLs', async () => {
    const packed = await alice.codec.pack(message(alice.identity.did, bob.identity.did))
    const { metadata } = await bob.codec.unpack(packed.packed)

    expect(metadata.encryptedFromKid).toBe(`${alice.identity.did}#key-2`)
    expect(metadata.encryptedToKids).toEqual([`${bob.identity.did}#key-2`])
  })

  it('reports the recipient services from its DID document, in order', async () => {
    const packed = await alice.codec.pack(message(alice.identity.did, bob.identity.did))

    expect(packed.services).toEqual([
      {
        id: `${bob.identity.did}#service`,
        uri: 'https://bob.example/a',
        accept: ['didcomm/v2'],
        routingKeys: [],
      },
      {
        id: `${bob.identity.did}#service-1`,
        uri: 'wss://bob.example/b',
        accept: ['didcomm/v2'],
        routingKeys: [],
      },
    ])
  })

  it('finds the same identity again instead of creating another', async () => {
    const again = await openAgent(tmp.dir, 'carol')
    const { ensureIdentity } = await import('../../../agent/identity.js')
    const first = again.identity
    const second = await ensureIdentity(again.veramo, {
      method: 'peer',
      endpoints: [],
      alias: 'carol',
    })

    expect(second.did).toBe(first.did)
    await again.dataSource.destroy()
  })
})

describe('round trips with did:key identities', () => {
  const tmp = tempDir()
  let alice: TestAgent
  let bob: TestAgent

  beforeAll(async () => {
    alice = await openAgent(tmp.dir, 'alice', { method: 'key' })
    bob = await openAgent(tmp.dir, 'bob', { method: 'key' })
  })

  afterAll(async () => {
    await alice.dataSource.destroy()
    await bob.dataSource.destroy()
    tmp.cleanup()
  })

  for (const form of ['authcrypt', 'signed-anoncrypt'] as PackForm[]) {
    it(`delivers a ${form} message between did:key DIDs`, async () => {
      const sent = message(alice.identity.did, bob.identity.did)
      const packed = await alice.codec.pack(sent, { form })
      const { message: received, sender } = await bob.codec.unpack(packed.packed)

      expect(alice.identity.did).toMatch(/^did:key:z6Mk/)
      expect(received).toMatchObject(sent)
      expect(sender).toBe(alice.identity.did)
    })
  }
})
