import { join } from 'node:path'

import type { DataSource } from 'typeorm'
import { EntityManager } from 'typeorm'
import { afterEach, describe, expect, it, vi } from 'vitest'

import { createAcceptWriter, type InboxItem } from '../../../agent/inbound/accept-writer.js'
import type { ReceivedMessage } from '../../../agent/inbound/types.js'
import { openDataSource } from '../../../storage/datasource.js'
import { InboxEntryEntity } from '../../../storage/inbox-entry.js'
import { ReplayEntryEntity } from '../../../storage/replay-entry.js'
import { tempDir } from '../../helpers/tmp.js'

const ALICE = 'did:example:alice'

function received(id: string, body: Record<string, unknown> = {}): ReceivedMessage {
  return {
    message: { id, type: 'https://didcomm.org/trust-ping/2.0/ping', body, from: ALICE },
    metadata: {
      mediaType: 'application/didcomm-encrypted+json',
      encrypted: true,
      authenticated: true,
      nonRepudiation: false,
      anonymousSender: false,
    },
    sender: ALICE,
    context: { transport: 'https', remoteAddress: '127.0.0.1' },
    receivedAt: 1_700_000_000_000,
  }
}

/** Every caller's outcome: the message id stored, or the error code. */
function outcomes(results: PromiseSettledResult<InboxItem>[]): string[] {
  return results.map((result) =>
    result.status === 'fulfilled'
      ? `stored ${result.value.received.message.id}`
      : `refused ${(result.reason as { code?: string }).code ?? (result.reason as Error).name}`,
  )
}

describe('the accept writer', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    vi.restoreAllMocks()
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  async function open(): Promise<DataSource> {
    const temp = tempDir()
    cleanups.push(temp.cleanup)
    const storage = {
      type: 'sqlite' as const,
      path: join(temp.dir, 'inbox.sqlite'),
      busyTimeoutMs: 5000,
    }
    const dataSource = await openDataSource(storage)
    cleanups.push(() => dataSource.destroy())
    return dataSource
  }

  async function stored(dataSource: DataSource): Promise<string[]> {
    const rows = await dataSource
      .getRepository(InboxEntryEntity)
      .find({ order: { messageId: 'ASC' } })
    return rows.map((row) => row.messageId)
  }

  it('writes the messages that arrive during a commit together, in the next transaction', async () => {
    const dataSource = await open()
    const transaction = vi.spyOn(dataSource.manager, 'transaction')
    const writer = createAcceptWriter(dataSource)

    const results = await Promise.allSettled(
      ['m1', 'm2', 'm3', 'm4', 'm5'].map((id) => writer.store(ALICE, received(id))),
    )

    expect(outcomes(results)).toEqual([
      'stored m1',
      'stored m2',
      'stored m3',
      'stored m4',
      'stored m5',
    ])
    expect(transaction).toHaveBeenCalledTimes(2)
    expect(await stored(dataSource)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
    expect(await dataSource.getRepository(ReplayEntryEntity).count()).toBe(5)
  })

  it('refuses a duplicate inside a batch and an id already stored, and stores the others', async () => {
    const dataSource = await open()
    const writer = createAcceptWriter(dataSource)
    await writer.store(ALICE, received('M0'))

    const results = await Promise.allSettled([
      writer.store(ALICE, received('m1')),
      writer.store(ALICE, received('m2')),
      writer.store(ALICE, received('M2')),
      writer.store(ALICE, received('m0')),
      writer.store(ALICE, received('m3')),
    ])

    expect(outcomes(results)).toEqual([
      'stored m1',
      'stored m2',
      'refused ERR_GUARD_REPLAY',
      'refused ERR_GUARD_REPLAY',
      'stored m3',
    ])
    expect(await stored(dataSource)).toEqual(['M0', 'm1', 'm2', 'm3'])
  })

  it('keeps one sender apart from another with the same message id', async () => {
    const dataSource = await open()
    const writer = createAcceptWriter(dataSource)

    const results = await Promise.allSettled([
      writer.store(ALICE, received('m1')),
      writer.store('did:example:bob', received('m1')),
    ])

    expect(outcomes(results)).toEqual(['stored m1', 'stored m1'])
  })

  it('gives each message of a failing batch its own outcome', async () => {
    const dataSource = await open()
    const writer = createAcceptWriter(dataSource)
    const unwritable = received('m3', { amount: 1n })

    const results = await Promise.allSettled([
      writer.store(ALICE, received('m1')),
      writer.store(ALICE, received('m2')),
      writer.store(ALICE, unwritable),
      writer.store(ALICE, received('m4')),
    ])

    expect(outcomes(results)).toEqual(['stored m1', 'stored m2', 'refused TypeError', 'stored m4'])
    expect(await stored(dataSource)).toEqual(['m1', 'm2', 'm4'])
    expect(await dataSource.getRepository(ReplayEntryEntity).count()).toBe(3)
  })

  it('refuses as a replay a message whose key another writer stored after the check', async () => {
    const dataSource = await open()
    const writer = createAcceptWriter(dataSource)
    await writer.store(ALICE, received('m1'))
    vi.spyOn(EntityManager.prototype, 'find').mockResolvedValue([])

    const results = await Promise.allSettled([
      writer.store(ALICE, received('m2')),
      writer.store(ALICE, received('m1')),
      writer.store(ALICE, received('m3')),
    ])

    expect(outcomes(results)).toEqual(['stored m2', 'refused ERR_GUARD_REPLAY', 'stored m3'])
  })

  it('rejects every caller when the database is gone', async () => {
    const dataSource = await open()
    const writer = createAcceptWriter(dataSource)
    await dataSource.destroy()
    cleanups.pop()

    const results = await Promise.allSettled([
      writer.store(ALICE, received('m1')),
      writer.store(ALICE, received('m2')),
    ])

    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
  })

  it('refuses a batch size that is not a positive integer', async () => {
    const dataSource = await open()

    expect(() => createAcceptWriter(dataSource, { maxBatch: 0 })).toThrow(TypeError)
  })
})
