import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { runCli } from '../helpers/admin.js'
import { freePort } from '../helpers/network.js'
import { tempDir } from '../helpers/tmp.js'

const PARLEY = join(import.meta.dirname, '..', '..', 'bin', 'parley.js')

interface OutboxRow {
  toDid: string
  status: string
  deliveredVia?: string
}

/**
 * Two agents as a user runs them, `parley start` processes with HTTPS endpoints only, so that
 * every DIDComm message between them crosses a mutual-TLS HTTPS connection, in both directions.
 */
describe('two agents started with parley start', () => {
  const { dir, cleanup } = tempDir('parley-start-')
  const agents: ChildProcess[] = []
  const config = (name: string) => join(dir, name, 'agent.yml')
  const did: Record<string, string> = {}

  beforeAll(async () => {
    for (const name of ['alpha', 'beta']) {
      const port = await freePort()
      mkdirSync(join(dir, name))
      writeFileSync(
        config(name),
        JSON.stringify({
          agent: { label: name },
          transport: {
            port,
            endpoints: [`https://localhost:${port}/didcomm`],
            tls: { cert: 'certs/agent.crt', key: 'certs/agent.key', ca: ['../alpha/certs/ca.crt'] },
          },
          admin: { port: await freePort() },
          logging: { level: 'warn', file: 'agent.log' },
        }),
      )
      const init = await runCli(config(name), ['init'])
      expect(init.code).toBe(0)
      did[name] = (JSON.parse(init.stdout) as { did: string }).did
    }
    expect((await runCli(config('alpha'), ['certs', 'init'])).code).toBe(0)
    const issued = await runCli(config('beta'), [
      'certs',
      'issue',
      'agent',
      '--dir',
      '../alpha/certs',
      '--out',
      'certs',
      '--did',
      did['beta'] as string,
    ])
    expect(issued.code).toBe(0)

    for (const name of ['alpha', 'beta']) agents.push(await start(config(name)))
  }, 240_000)

  afterAll(async () => {
    await Promise.all(agents.map(stop))
    cleanup()
  })

  it('connect, ping and discover features over HTTPS in both directions', async () => {
    const invite = await runCli(config('alpha'), ['invite'])
    const url = invite.stdout.trim()
    const connect = await runCli(config('beta'), ['connect', url])
    const pingBack = await runCli(config('alpha'), ['ping', did['beta'] as string])
    const features = await runCli(config('beta'), ['features', did['alpha'] as string])

    expect([invite.code, connect.code, pingBack.code, features.code]).toEqual([0, 0, 0, 0])
    for (const [from, to] of [
      ['alpha', 'beta'],
      ['beta', 'alpha'],
    ] as const) {
      const rows = JSON.parse(
        (await runCli(config(from), ['outbox', 'list'])).stdout,
      ) as OutboxRow[]
      const toPeer = rows.filter((row) => row.toDid === did[to])
      expect(toPeer.length).toBeGreaterThan(0)
      expect(toPeer.every((row) => row.status === 'delivered')).toBe(true)
      expect(toPeer.every((row) => row.deliveredVia?.startsWith('https://localhost:'))).toBe(true)
    }
  })

  it('stop cleanly on SIGTERM', async () => {
    const codes = await Promise.all(agents.splice(0).map(stop))

    expect(codes).toEqual([0, 0])
  })
})

function start(configPath: string): Promise<ChildProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PARLEY, '-c', configPath, 'start'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8')
      if (output.includes('"event":"started"')) resolve(child)
    })
    child.once('exit', (code) => reject(new Error(`parley start exited ${code}: ${output}`)))
  })
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code))
    child.kill('SIGTERM')
  })
}
