import { join } from 'node:path'

import type { DataSource } from 'typeorm'
import { afterEach, describe, expect, it } from 'vitest'

import { resolveConfig } from '../../../agent/config/load.js'
import { createCodec } from '../../../agent/didcomm/codec.js'
import { staticDids, staticSecrets } from '../../../agent/didcomm/sources.js'
import type { PlaintextMessage, UnpackResult } from '../../../agent/didcomm/types.js'
import {
  checkAge,
  checkBinding,
  checkPeer,
  type GuardSettings,
} from '../../../agent/inbound/guard.js'
import { createInboundPipeline } from '../../../agent/inbound/pipeline.js'
import type {
  InboundContext,
  InboxSettle,
  MessageSink,
  ReceivedMessage,
} from '../../../agent/inbound/types.js'
import { silentLogger } from '../../../agent/logger.js'
import { openDataSource } from '../../../storage/datasource.js'
import { InboxEntryEntity } from '../../../storage/inbox-entry.js'
import { ReplayEntryEntity } from '../../../storage/replay-entry.js'
import { tempDir } from '../../helpers/tmp.js'
import { makeActor, message } from '../transport/fixtures.js'

const SETTINGS: GuardSettings = { bindDid: true, allow: [], deny: [] }

function unpacked(from: string | undefined, sender: string | undefined): UnpackResult {
  const result = {
    message: { id: 'm1', type: 't', body: {}, ...(from ? { from } : {}) },
  } as UnpackResult
  if (sender !== undefined) result.sender = sender
  return result
}

function over(did: string | undefined): InboundContext {
  const certificate = { fingerprint256: 'AA', subject: 'CN=x', sanUris: did ? [did] : [] }
  return {
    transport: 'https',
    remoteAddress: '127.0.0.1',
    certificate: did ? { ...certificate, did } : certificate,
  }
}

describe('the guard', () => {
  it.each([
    ['a fresh message', 1_700_000_000, undefined],
    ['a message exactly at the window', 1_700_000_000 - 60, undefined],
    ['a message past the window', 1_700_000_000 - 61, 'ERR_GUARD_TOO_OLD'],
    ['an undated message', undefined, 'ERR_GUARD_UNDATED'],
    ['a message dated with a string', '1700000000', 'ERR_GUARD_UNDATED'],
  ])('judges the age of %s', (_case, created, code) => {
    const dated = { id: 'm', type: 't', body: {}, created_time: created } as PlaintextMessage
    const judge = (): void => checkAge(dated, 1_700_000_000_000, 60)

    if (code === undefined) expect(judge).not.toThrow()
    else expect(judge).toThrow(expect.objectContaining({ code }))
  })

  const BINDING = [
    {
      case: 'a certificate naming the sender',
      cert: 'did:a',
      from: 'did:a',
      sender: 'did:a',
      code: undefined,
    },
    {
      case: 'a certificate without a DID',
      cert: undefined,
      from: 'did:a',
      sender: 'did:a',
      code: undefined,
    },
    {
      case: 'a certificate naming another DID',
      cert: 'did:b',
      from: 'did:a',
      sender: 'did:a',
      code: 'ERR_GUARD_BINDING_MISMATCH',
    },
    {
      case: 'an anonymous message over a bound certificate',
      cert: 'did:b',
      from: undefined,
      sender: undefined,
      code: 'ERR_GUARD_BINDING_MISMATCH',
    },
    {
      case: 'a from header that the proven sender contradicts',
      cert: 'did:b',
      from: 'did:b',
      sender: 'did:a',
      code: 'ERR_GUARD_BINDING_MISMATCH',
    },
  ]
  for (const row of BINDING) {
    it(`checks the binding for ${row.case}`, () => {
      const run = () => checkBinding(unpacked(row.from, row.sender), over(row.cert), SETTINGS)
      if (row.code === undefined) expect(run).not.toThrow()
      else expect(run).toThrow(expect.objectContaining({ code: row.code }))
    })
  }

  it('lets a mismatch through when bindDid is off', () => {
    expect(() =>
      checkBinding(unpacked('did:a', 'did:a'), over('did:b'), { ...SETTINGS, bindDid: false }),
    ).not.toThrow()
  })

  const PEERS = [
    {
      case: 'a denied sender',
      identity: 'did:a',
      allow: [],
      deny: ['did:a'],
      code: 'ERR_GUARD_PEER_DENIED',
    },
    {
      case: 'a sender missing from the allow list',
      identity: 'did:a',
      allow: ['did:b'],
      deny: [],
      code: 'ERR_GUARD_PEER_DENIED',
    },
    {
      case: 'an unproven sender with an allow list',
      identity: undefined,
      allow: ['did:b'],
      deny: [],
      code: 'ERR_GUARD_PEER_DENIED',
    },
    { case: 'an allowed sender', identity: 'did:b', allow: ['did:b'], deny: [], code: undefined },
    { case: 'any sender without lists', identity: 'did:c', allow: [], deny: [], code: undefined },
  ]
  for (const row of PEERS) {
    it(`applies the peer lists to ${row.case}`, () => {
      const run = () => checkPeer(row.identity, { ...SETTINGS, allow: row.allow, deny: row.deny })
      if (row.code === undefined) expect(run).not.toThrow()
      else expect(run).toThrow(expect.objectContaining({ code: row.code }))
    })
  }
})

describe('the inbound pipeline', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('hands an unprocessed inbox row to the sink again after a restart, and prunes old replay rows', async () => {
    const temp = tempDir()
    cleanups.push(temp.cleanup)
    const alice = makeActor('alice')
    const bob = makeActor('bob')
    const docs = [alice.doc, bob.doc]
    const { config } = resolveConfig({ didcomm: { maxMessageAgeSeconds: 60 } })
    const storage = {
      type: 'sqlite' as const,
      path: join(temp.dir, 'bob.sqlite'),
      busyTimeoutMs: 5000,
    }
    const bobCodec = createCodec({ dids: staticDids(docs), secrets: staticSecrets(bob.secrets) })
    const aliceCodec = createCodec({
      dids: staticDids(docs),
      secrets: staticSecrets(alice.secrets),
    })
    const sent = message(alice, bob)
    const { packed } = await aliceCodec.pack(sent)
    const context: InboundContext = { transport: 'https', remoteAddress: '127.0.0.1' }

    const first = await openDataSource(storage)
    const failing = { handle: async () => Promise.reject(new Error('engine down')) }
    const crashed = createInboundPipeline({
      codec: bobCodec,
      dataSource: first,
      sink: failing,
      config,
      logger: silentLogger(),
    })
    await crashed.process(await crashed.accept(packed, context))
    await first.destroy()

    const second = await openDataSource(storage)
    cleanups.push(() => second.destroy())
    const handled: ReceivedMessage[] = []
    const sink = { handle: async (received: ReceivedMessage) => void handled.push(received) }
    const restarted = createInboundPipeline({
      codec: bobCodec,
      dataSource: second,
      sink,
      config,
      logger: silentLogger(),
    })

    expect(await restarted.resume()).toBe(1)
    expect(await restarted.resume()).toBe(0)
    expect(handled.map((r) => [r.message.id, r.sender])).toEqual([[sent.id, alice.did]])
    await expect(restarted.accept(packed, context)).rejects.toMatchObject({
      code: 'ERR_GUARD_REPLAY',
    })
    expect(await restarted.prune(Date.now() + 61_000)).toBe(1)
    expect(await second.getRepository(ReplayEntryEntity).count()).toBe(0)
  })

  it('refuses a message older than the replay window and stores nothing', async () => {
    const temp = tempDir()
    cleanups.push(temp.cleanup)
    const alice = makeActor('alice')
    const bob = makeActor('bob')
    const docs = [alice.doc, bob.doc]
    const { config } = resolveConfig({ didcomm: { maxMessageAgeSeconds: 60 } })
    const dataSource = await openDataSource({
      type: 'sqlite',
      path: join(temp.dir, 'bob.sqlite'),
      busyTimeoutMs: 5000,
    })
    cleanups.push(() => dataSource.destroy())
    const codec = createCodec({ dids: staticDids(docs), secrets: staticSecrets(bob.secrets) })
    const aliceCodec = createCodec({
      dids: staticDids(docs),
      secrets: staticSecrets(alice.secrets),
    })
    const sink = { handle: async () => undefined }
    const pipeline = createInboundPipeline({
      codec,
      dataSource,
      sink,
      config,
      logger: silentLogger(),
    })
    const sent = message(alice, bob, { created_time: Math.floor(Date.now() / 1000) - 120 })
    const { packed } = await aliceCodec.pack(sent)

    await expect(
      pipeline.accept(packed, { transport: 'https', remoteAddress: '127.0.0.1' }),
    ).rejects.toMatchObject({ code: 'ERR_GUARD_TOO_OLD' })
    expect(await dataSource.getRepository(ReplayEntryEntity).count()).toBe(0)
    expect(await dataSource.getRepository(InboxEntryEntity).count()).toBe(0)
  })

  const SINKS: { case: string; sink: (dataSource: DataSource) => MessageSink; settled: number }[] =
    [
      {
        case: 'a sink that marks it inside its own transaction',
        sink: (dataSource) => ({
          handle: (_, settle?: InboxSettle) =>
            dataSource.transaction(async (tx) => void (await settle?.(tx))),
        }),
        settled: 1,
      },
      {
        case: 'a sink that leaves it unmarked',
        sink: () => ({ handle: async () => undefined }),
        settled: 0,
      },
      {
        case: 'a sink whose transaction rolled back after marking it',
        sink: (dataSource) => ({
          handle: async (_, settle?: InboxSettle) => {
            const failed = dataSource.transaction(async (tx) => {
              await settle?.(tx)
              throw new Error('conflict')
            })
            await failed.catch(() => undefined)
          },
        }),
        settled: 1,
      },
    ]
  for (const row of SINKS) {
    it(`marks the inbox row processed exactly once for ${row.case}`, async () => {
      const temp = tempDir()
      cleanups.push(temp.cleanup)
      const alice = makeActor('alice')
      const bob = makeActor('bob')
      const docs = [alice.doc, bob.doc]
      const { config } = resolveConfig({})
      const storage = {
        type: 'sqlite' as const,
        path: join(temp.dir, 'b.sqlite'),
        busyTimeoutMs: 5000,
      }
      const dataSource = await openDataSource(storage)
      cleanups.push(() => dataSource.destroy())
      const codec = createCodec({ dids: staticDids(docs), secrets: staticSecrets(bob.secrets) })
      const aliceCodec = createCodec({
        dids: staticDids(docs),
        secrets: staticSecrets(alice.secrets),
      })
      const { packed } = await aliceCodec.pack(message(alice, bob))
      let settled = 0
      const sink = row.sink(dataSource)
      const counting: MessageSink = {
        handle: (received, settle) =>
          sink.handle(received, async (tx) => {
            settled += 1
            await settle?.(tx)
          }),
      }
      const pipeline = createInboundPipeline({
        codec,
        dataSource,
        sink: counting,
        config,
        logger: silentLogger(),
      })

      await pipeline.process(
        await pipeline.accept(packed, { transport: 'https', remoteAddress: '127.0.0.1' }),
      )

      const rows = await dataSource.getRepository(InboxEntryEntity).find()
      expect(rows.map((r) => [r.processedAt !== null, r.attempts, r.lastError])).toEqual([
        [true, 0, null],
      ])
      expect(settled).toBe(row.settled)
      expect(await pipeline.resume()).toBe(0)
    })
  }
})
