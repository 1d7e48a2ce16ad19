/**
 * Whole Parley agents on loopback for end-to-end tests: one development CA written to a temp
 * folder at setup, and per agent a data folder, a real SQLite file, a DID, a certificate naming
 * that DID, and the real mutual-TLS server and outbox. Nothing here is mocked.
 */
import { writeFileSync, mkdirSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'

import { createParleyAgent, type ParleyAgent } from '../../agent/agent.js'
import { resolveConfig } from '../../agent/config/load.js'
import { initializeAgent } from '../../agent/init.js'
import { createLogger, silentLogger } from '../../agent/logger.js'
import { createCa, issueCertificate, type CertificateAuthority } from '../../agent/pki/dev-pki.js'
import { tempDir } from './tmp.js'

/** A CA, a folder, and the agents started in it. */
export interface TestNetwork {
  dir: string
  ca: CertificateAuthority
  caFile: string
  agents: ParleyAgent[]
  /** Stops every agent and removes the folder. */
  close(): Promise<void>
}

/** Options of one agent in a {@link TestNetwork}. */
export interface TestAgentOptions {
  /** Run the inbound server (default true); false makes a holder that only connects out. */
  listen?: boolean
  /** Endpoint schemes to publish in the DID document; default both. */
  schemes?: ('https' | 'wss')[]
  /** More agent.yml settings, merged over the defaults section by section. */
  config?: Record<string, Record<string, unknown>>
}

/** Creates an empty network with a fresh development CA. */
export async function createNetwork(): Promise<TestNetwork> {
  const { dir, cleanup } = tempDir('parley-net-')
  const ca = await createCa({ commonName: 'Parley test CA' })
  const caFile = join(dir, 'ca.crt')
  writeFileSync(caFile, ca.cert)
  const agents: ParleyAgent[] = []

  return {
    dir,
    ca,
    caFile,
    agents,
    async close() {
      await Promise.allSettled(agents.splice(0).map((agent) => agent.stop()))
      cleanup()
    },
  }
}

/** Creates, initialises, certifies and starts one agent; it is stopped by `network.close()`. */
export async function startAgent(
  network: TestNetwork,
  name: string,
  options: TestAgentOptions = {},
): Promise<ParleyAgent> {
  const listen = options.listen ?? true
  const port = listen ? await freePort() : 0
  const home = join(network.dir, name)
  mkdirSync(home, { recursive: true })
  const schemes = options.schemes ?? ['https', 'wss']
  const endpoints = listen
    ? schemes.map((s) =>
        s === 'https' ? `https://localhost:${port}/didcomm` : `wss://localhost:${port}/ws`,
      )
    : []

  const extra = options.config ?? {}
  const raw = {
    ...extra,
    agent: { label: name, dataDir: './data', ...extra['agent'] },
    transport: {
      port,
      listen,
      endpoints,
      tls: { cert: 'agent.crt', key: 'agent.key', ca: [network.caFile], watch: false },
      ...extra['transport'],
    },
    admin: { enabled: false, ...extra['admin'] },
    logging: { level: 'silent', ...extra['logging'] },
  }
  const loaded = resolveConfig(raw, home)

  const { did } = await initializeAgent(loaded)
  const pair = await issueCertificate(network.ca, { commonName: name, did })
  writeFileSync(join(home, 'agent.crt'), pair.cert)
  writeFileSync(join(home, 'agent.key'), pair.key, { mode: 0o600 })

  const debugLevel = process.env['PARLEY_TEST_LOG']
  const logger = debugLevel ? createLogger({ level: debugLevel, name }) : silentLogger()
  const agent = await createParleyAgent(loaded, { logger })
  network.agents.push(agent)
  await agent.start()
  return agent
}

/** A TCP port that was free a moment ago, for agents whose DID must name their endpoint. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const address = server.address()
      server.close(() => {
        if (address === null || typeof address === 'string') reject(new Error('no port'))
        else resolve(address.port)
      })
    })
  })
}
