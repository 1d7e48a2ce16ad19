import { spawn, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import type { ParleyAgent } from '../../../../agent/agent.js'
import { loadConfig } from '../../../../agent/config/load.js'
import { initializeAgent } from '../../../../agent/init.js'
import { issueCertificate } from '../../../../agent/pki/dev-pki.js'
import { ISSUE_CREDENTIAL } from '../../../../protocols/issue-credential/3.0/messages.js'
import { openDataSource } from '../../../../storage/datasource.js'
import { createNetwork, freePort, startAgent, type TestNetwork } from '../../../helpers/network.js'

const CHILD = join(import.meta.dirname, 'holder-child.ts')
const KYC = { type: 'KycCredential', claims: { kycLevel: 2, name: 'Alice' } }
const FAST_RETRY = { initialBackoffMs: 50, maxBackoffMs: 200 }

/** A holder's agent.yml, data folder, identity and certificate, ready for a child process. */
interface HolderSetup {
  configPath: string
  dataDir: string
  did: string
}

/** A running holder process and what it printed. */
interface HolderProcess {
  child: ChildProcess
  out(): string
  exited: Promise<number | null>
}

async function prepareHolder(
  network: TestNetwork,
  name: string,
  listen: boolean,
): Promise<HolderSetup> {
  const port = listen ? await freePort() : 0
  const home = join(network.dir, name)
  mkdirSync(home, { recursive: true })
  const configPath = join(home, 'agent.yml')
  const config = {
    agent: { label: name, dataDir: './data' },
    transport: {
      port,
      listen,
      endpoints: listen ? [`https://localhost:${port}/didcomm`] : [],
      tls: { cert: 'agent.crt', key: 'agent.key', ca: [network.caFile], watch: false },
    },
    outbox: FAST_RETRY,
    admin: { enabled: false },
    logging: { level: 'silent' },
  }
  // JSON is YAML.
  writeFileSync(configPath, JSON.stringify(config, null, 2))

  const loaded = loadConfig(configPath)
  const { did } = await initializeAgent(loaded)
  const pair = await issueCertificate(network.ca, { commonName: name, did })
  writeFileSync(join(home, 'agent.crt'), pair.cert)
  writeFileSync(join(home, 'agent.key'), pair.key, { mode: 0o600 })
  return { configPath, dataDir: loaded.dataDir, did }
}

function runHolder(holder: HolderSetup, args: string[]): HolderProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', CHILD, holder.configPath, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let out = ''
  child.stdout?.on('data', (chunk: Buffer) => (out += chunk.toString()))
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve))
  return { child, out: () => out, exited }
}

/** What the holder's SQLite file holds once its process has ended. */
async function holderDatabase(holder: HolderSetup, thid: string) {
  const dataSource = await openDataSource(
    { type: 'sqlite', path: 'parley.sqlite', busyTimeoutMs: 5000 },
    { resolvePath: (path) => join(holder.dataDir, path) },
  )
  try {
    const credentials = (await dataSource.query(
      'SELECT issuerDid AS issuer, subjectDid AS subject FROM credential',
    )) as {
      issuer: string
      subject: string
    }[]
    const records = (await dataSource.query('SELECT state FROM protocol_record WHERE thid = ?', [
      thid,
    ])) as { state: string }[]
    return { credentials, states: records.map((row) => row.state) }
  } finally {
    await dataSource.destroy()
  }
}

/**
 * Kills the holder (SIGKILL) the moment the issuer has stored its request, before the issuer
 * answers; resolves with the thread id.
 */
async function killOnRequest(
  acme: ParleyAgent,
  holder: HolderSetup,
  running: HolderProcess,
): Promise<string> {
  const isRequest = (record: { peerDid: string; state: string }) =>
    record.peerDid === holder.did && record.state === 'request-received'
  const requested = acme.events.waitFor('thread.state-changed', ({ record }) => isRequest(record))
  const off = acme.events.on('thread.state-changed', ({ record }) => {
    if (isRequest(record)) running.child.kill('SIGKILL')
  })
  const { thid } = (await requested).record
  off()
  return thid
}

/** Kills the holder (SIGKILL) once it printed that its request is queued; resolves with the thread id. */
async function killOnQueued(running: HolderProcess): Promise<string> {
  const line = await new Promise<string>((resolve, reject) => {
    running.child.stdout?.on('data', () => {
      const match = /^requested (\S+)$/m.exec(running.out())
      if (match?.[1] !== undefined) resolve(match[1])
    })
    void running.exited.then((code) => reject(new Error(`the holder exited first (${code})`)))
  })
  running.child.kill('SIGKILL')
  return line
}

describe('issue-credential 3.0 with a holder killed (SIGKILL) after its request', () => {
  let network: TestNetwork | undefined
  const children: ChildProcess[] = []

  afterEach(async () => {
    for (const child of children.splice(0)) child.kill('SIGKILL')
    await network?.close()
  })

  it.each([
    [
      'a holder with an endpoint, killed once the issuer has its request',
      { listen: true, step: 'request' },
    ],
    [
      'a holder with no endpoint, killed once its request is queued',
      { listen: false, step: 'queue' },
    ],
  ])(
    'stores the credential exactly once after a restart, for %s',
    async (_case, how) => {
      network = await createNetwork()
      const acme: ParleyAgent = await startAgent(network, 'acme', {
        config: { issuer: { offerRules: [{ goalCode: 'kyc', ...KYC }] }, outbox: FAST_RETRY },
      })
      const holder = await prepareHolder(network, 'alice', how.listen)

      // Step 1: the holder requests and is killed.
      const first = runHolder(holder, [how.step, acme.did, JSON.stringify(KYC)])
      children.push(first.child)
      const thid =
        how.step === 'request'
          ? await killOnRequest(acme, holder, first)
          : await killOnQueued(first)
      const signal = await first.exited.then(() => first.child.signalCode)

      // Step 2: the holder starts again from the same data folder.
      const second = runHolder(holder, ['resume', thid])
      children.push(second.child)
      const code = await second.exited

      const issuer = await acme.engine.waitForFinal(thid)
      const issuerLog = (await acme.engine.thread(thid))?.messages ?? []
      const stored = await holderDatabase(holder, thid)

      expect(signal).toBe('SIGKILL')
      expect(code).toBe(0)
      expect(second.out()).toBe('started\nfinal done\n')
      expect(issuer.protocol).toBe(ISSUE_CREDENTIAL)
      expect(issuer.state).toBe('done')
      expect(
        issuerLog.filter((m) => m.direction === 'out').map((m) => m.type.split('/').pop()),
      ).toEqual(['issue-credential'])
      expect(
        issuerLog.filter((m) => m.direction === 'in').map((m) => m.type.split('/').pop()),
      ).toEqual(['request-credential', 'ack'])
      expect(stored.states).toEqual(['done'])
      expect(stored.credentials).toEqual([{ issuer: acme.did, subject: holder.did }])
      // Two child processes start under tsx; a loaded machine needs more than the default.
    },
    120_000,
  )
})
