import { randomBytes } from 'node:crypto'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { createVeramoAgent } from '../../agent/veramo.js'
import { openDataSource } from '../../storage/datasource.js'
import { tempDir } from '../helpers/tmp.js'

describe('openDataSource', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => cleanups.splice(0).forEach((c) => c()))

  it('opens a SQLite file in WAL mode with every migration applied', async () => {
    const { dir, cleanup } = tempDir()
    cleanups.push(cleanup)

    const ds = await openDataSource({
      type: 'sqlite',
      path: join(dir, 'a.sqlite'),
      busyTimeoutMs: 5000,
    })
    const [mode] = (await ds.query('PRAGMA journal_mode')) as { journal_mode: string }[]
    const pending = await ds.showMigrations()
    await ds.destroy()

    expect(mode?.journal_mode).toBe('wal')
    expect(pending).toBe(false)
  })

  it.each([
    ['full', undefined, 2],
    ['full', 'full' as const, 2],
    ['normal', 'normal' as const, 1],
  ])('syncs SQLite commits as %s when storage.synchronous is %s', async (_, synchronous, level) => {
    const { dir, cleanup } = tempDir()
    cleanups.push(cleanup)
    const storage = { type: 'sqlite' as const, path: join(dir, 's.sqlite'), busyTimeoutMs: 5000 }

    const ds = await openDataSource(
      synchronous === undefined ? storage : { ...storage, synchronous },
    )
    const [row] = (await ds.query('PRAGMA synchronous')) as { synchronous: number }[]
    await ds.destroy()

    expect(row?.synchronous).toBe(level)
  })

  it('stores a did:peer:2 identifier that Veramo resolves again', async () => {
    const { dir, cleanup } = tempDir()
    cleanups.push(cleanup)
    const ds = await openDataSource({
      type: 'sqlite',
      path: join(dir, 'b.sqlite'),
      busyTimeoutMs: 5000,
    })
    const veramo = createVeramoAgent({ dataSource: ds, secretKey: randomBytes(32).toString('hex') })

    const id = await veramo.didManagerCreate({ provider: 'did:peer', options: { num_algo: 2 } })
    const resolved = await veramo.resolveDid({ didUrl: id.did })
    await ds.destroy()

    expect(id.did.startsWith('did:peer:2.')).toBe(true)
    expect(resolved.didDocument?.id).toBe(id.did)
  })
})
