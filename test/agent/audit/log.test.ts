import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { createAuditLog, GENESIS_HASH } from '../../../agent/audit/log.js'
import { verifyAuditChain, verifyAuditFile } from '../../../agent/audit/verify.js'
import { openDataSource } from '../../../storage/datasource.js'
import { tempDir } from '../../helpers/tmp.js'

const ROOT = join(import.meta.dirname, '..', '..', '..')

async function setUp() {
  const temp = tempDir()
  writeFileSync(join(temp.dir, 'agent.yml'), 'agent:\n  dataDir: .\n')
  const dataSource = await openDataSource({
    type: 'sqlite',
    path: join(temp.dir, 'parley.sqlite'),
    busyTimeoutMs: 5000,
  })
  const file = join(temp.dir, 'audit.jsonl')
  const log = createAuditLog({ dataSource, file })
  return { temp, dataSource, file, log }
}

function cli(dir: string, ...args: string[]): { status: number; out: string } {
  try {
    const out = execFileSync(
      process.execPath,
      [
        '--import',
        'tsx',
        join(ROOT, 'agent/cli/main.ts'),
        '--config',
        join(dir, 'agent.yml'),
        ...args,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    )
    return { status: 0, out }
  } catch (error) {
    const failed = error as { status: number; stdout: string }
    return { status: failed.status, out: failed.stdout }
  }
}

describe('the audit log', () => {
  const cleanups: (() => Promise<void> | void)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('chains each entry to the hash of the one before, in the database and the file', async () => {
    const { temp, dataSource, file, log } = await setUp()
    cleanups.push(temp.cleanup, () => dataSource.destroy())

    const first = await log.record({ kind: 'tls.handshake_refused', reason: 'CERT_HAS_EXPIRED' })
    const second = await log.record({ kind: 'https.refused', code: 'ERR_TRANSPORT_TOO_LARGE' })

    expect([first.seq, first.prevHash]).toEqual([1, GENESIS_HASH])
    expect([second.seq, second.prevHash]).toEqual([2, first.hash])
    const lines = readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(lines).toEqual([first, second])
    expect(await verifyAuditChain(dataSource)).toEqual({ ok: true, count: 2 })
    expect(verifyAuditFile(file)).toEqual({ ok: true, count: 2 })
  })

  it('orders concurrent writers into one chain without gaps', async () => {
    const { temp, dataSource, log } = await setUp()
    cleanups.push(temp.cleanup, () => dataSource.destroy())

    await Promise.all(Array.from({ length: 20 }, (_, i) => log.record({ kind: 'test.entry', i })))

    expect(await verifyAuditChain(dataSource)).toEqual({ ok: true, count: 20 })
  })

  it('detects an entry altered in the database, a deleted entry, and an altered file line', async () => {
    const { temp, dataSource, file, log } = await setUp()
    cleanups.push(temp.cleanup, () => dataSource.destroy())
    for (const reason of ['a', 'b', 'c', 'd']) await log.record({ kind: 'test.entry', reason })

    await dataSource.query(`UPDATE parley_audit SET data = '{"reason":"z"}' WHERE seq = 2`)
    expect(await verifyAuditChain(dataSource)).toEqual({
      ok: false,
      count: 1,
      broken: { seq: 2, reason: 'hash' },
    })

    await dataSource.query(`DELETE FROM parley_audit WHERE seq = 2`)
    expect(await verifyAuditChain(dataSource)).toEqual({
      ok: false,
      count: 1,
      broken: { seq: 2, reason: 'gap' },
    })

    writeFileSync(file, readFileSync(file, 'utf8').replace('"reason":"c"', '"reason":"x"'))
    expect(verifyAuditFile(file)).toEqual({
      ok: false,
      count: 2,
      broken: { seq: 3, reason: 'hash' },
    })
  })

  it('parley audit verify exits 1 and names the entry altered in the database', async () => {
    const { temp, dataSource, log } = await setUp()
    cleanups.push(temp.cleanup)
    await log.record({ kind: 'test.entry', reason: 'a' })
    await log.record({ kind: 'test.entry', reason: 'b' })
    await dataSource.destroy()

    const clean = cli(temp.dir, 'audit', 'verify')
    const reopened = await openDataSource({
      type: 'sqlite',
      path: join(temp.dir, 'parley.sqlite'),
      busyTimeoutMs: 5000,
    })
    await reopened.query(`UPDATE parley_audit SET kind = 'test.other' WHERE seq = 1`)
    await reopened.destroy()
    const altered = cli(temp.dir, 'audit', 'verify')

    expect(clean.status).toBe(0)
    expect(JSON.parse(clean.out).database).toEqual({ ok: true, count: 2 })
    expect(altered.status).toBe(1)
    expect(JSON.parse(altered.out)).toEqual({
      database: { ok: false, count: 0, broken: { seq: 1, reason: 'hash' } },
      file: { ok: true, count: 2 },
    })
  })
})
