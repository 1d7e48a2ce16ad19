import { spawn, type ChildProcess } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { openDataSource } from '../../../storage/datasource.js'
import { OutboxEntryEntity } from '../../../storage/outbox-entry.js'
import { tempDir } from '../../helpers/tmp.js'
import {
  makeActor,
  setEndpoints,
  startAgent,
  until,
  writePki,
  type TestAgent,
} from '../transport/fixtures.js'

const CHILD = join(import.meta.dirname, 'sender-child.ts')

/** Runs the child until it prints `line`, then SIGKILLs it. */
async function runChildUntil(dir: string, step: string, line: string): Promise<string> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, step], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const exited = new Promise((resolve) => child.once('exit', resolve))
  await until(() => out.includes(line) || child.exitCode !== null)
  child.kill('SIGKILL')
  await exited
  return out.trim()
}

describe('the outbox across a crash', () => {
  const temp = tempDir()
  const alice = makeActor('alice')
  const bob = makeActor('bob')
  const messageId = randomUUID()
  let bobAgent: TestAgent

  beforeAll(async () => {
    const pki = await writePki(temp.dir)
    bobAgent = await startAgent({ dir: temp.dir, pki, actor: bob, docs: [alice.doc, bob.doc] })
    setEndpoints(bob, [bobAgent.httpsUri()])
    const tls = { ...pki.cert('alice'), ca: [pki.ca] }
    writeFileSync(join(temp.dir, 'setup.json'), JSON.stringify({ alice, bob, tls, messageId }))
  })

  afterAll(async () => {
    await bobAgent.stop()
    temp.cleanup()
  })

  const arrivals = () => bobAgent.received.filter((r) => r.message.id === messageId).length

  it('delivers exactly once a message queued by a sender killed (SIGKILL) before delivery', async () => {
    const queued = await runChildUntil(temp.dir, 'queue', 'queued')
    expect(queued).toBe(`queued ${messageId}`)
    expect(arrivals()).toBe(0)

    expect(await runChildUntil(temp.dir, 'deliver', 'idle')).toBe('idle')
    await until(() => arrivals() > 0)

    expect(await runChildUntil(temp.dir, 'deliver', 'idle')).toBe('idle')
    expect(arrivals()).toBe(1)
  })

  it('delivers exactly once when the sender crashed after delivery but before recording it', async () => {
    // What a crash between the peer's 202 and the sender's bookkeeping leaves behind.
    const dataSource = await openDataSource({
      type: 'sqlite',
      path: join(temp.dir, 'sender.sqlite'),
      busyTimeoutMs: 5000,
    })
    await dataSource
      .getRepository(OutboxEntryEntity)
      .update({ messageId }, { status: 'pending', deliveredAt: null })
    await dataSource.destroy()

    expect(await runChildUntil(temp.dir, 'deliver', 'idle')).toBe('idle')

    expect(arrivals()).toBe(1)
    const replays = await bobAgent.audit.list({ kind: 'https.refused' })
    expect(replays.map((e) => [e.data['code'], e.data['status']])).toEqual([
      ['ERR_GUARD_REPLAY', 409],
    ])
  })
})
