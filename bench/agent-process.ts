/**
 * One Parley agent in a process of its own, driven by the bench over IPC, so that each agent's
 * resident memory can be read apart and the agent has a core to itself while a client loads it.
 *
 * The agent is started with the test network helper (real SQLite file, DID, certificate from the
 * bench's development CA, mutual-TLS server and outbox). Requests are `{ id, cmd, args }`;
 * answers are `{ id, ok, value }` or `{ id, ok: false, error }`; every 8th message the engine
 * dispatches is also announced as `{ progress }`, so a client can bound what it has in flight.
 */
import 'reflect-metadata'

import type { VerifiableCredential } from '@veramo/core'

import type { ParleyAgent } from '../agent/agent.js'
import { CredentialStore } from '../agent/credentials/store.js'
import { readSecret } from '../agent/secrets.js'
import type { CertificateAuthority } from '../agent/pki/dev-pki.js'
import { ISSUE_CREDENTIAL } from '../protocols/issue-credential/3.0/messages.js'
import { requestPresentationEvent } from '../protocols/present-proof/3.0/handler.js'
import { PRESENT_PROOF } from '../protocols/present-proof/3.0/messages.js'
import type { PresentProofData } from '../protocols/present-proof/3.0/protocol.js'
import { startAgent, type TestAgentOptions, type TestNetwork } from '../test/helpers/network.js'
import { rawResolvers, rawUnpack } from './codec.js'
import { median, opsPerSecond } from './measure.js'

/** What the bench asks of an agent process, with its arguments and answer. */
export interface AgentCommands {
  init: {
    args: {
      dir: string
      caFile: string
      ca: CertificateAuthority
      name: string
      /** agent.yml sections merged over the bench's own (holder, verifier ...). */
      config?: Record<string, Record<string, unknown>>
    }
    value: { did: string; port: number }
  }
  rss: { args: Record<string, never>; value: NodeJS.MemoryUsage }
  /** The protocol identifiers the engine has handlers for. */
  protocols: { args: Record<string, never>; value: string[] }
  /** Resolves once the engine has dispatched `count` messages since the agent started. */
  expect: { args: { count: number; timeoutMs: number }; value: { received: number } }
  /** Raw didcomm-node unpack ops/s of the given envelopes, in this process. */
  rawUnpack: {
    args: { packed: string[]; peers: string[]; ms: number; maxOps: number }
    value: { opsPerSecond: number }
  }
  /**
   * Median ms of each stage for envelopes taken one at a time, in process (no transport): the
   * codec's unpack alone, then the pipeline's accept (unpack, checks, guard, commit) and process
   * (engine dispatch and its commit, inbox row marked).
   */
  stages: {
    args: { packed: string[] }
    value: { unpackMs: number; acceptMs: number; processMs: number }
  }
  /** Signs `count` JWT credentials about `subject`, claims varied by index. */
  issue: {
    args: { subject: string; start: number; count: number }
    value: { credentials: VerifiableCredential[] }
  }
  /** Saves credentials in Veramo's data store, one call each as the holder does. */
  store: { args: { credentials: VerifiableCredential[] }; value: { stored: number } }
  /** Lists stored credentials through the holder's query; the answer is how many matched. */
  query: { args: { issuer: string }; value: { matched: number; ms: number } }
  /** Offers a credential to `to` (issue-credential 3.0); answers the thread id. */
  offer: {
    args: { to: string; type: string; claims: Record<string, unknown> }
    value: { thid: string }
  }
  /** Requests a presentation from `to` (present-proof 3.0) that a policy decides. */
  requestProof: {
    args: { to: string; definition: object; trustedIssuers: string[]; resource: string }
    value: { thid: string }
  }
  /** Waits until a thread is final, or `timeoutMs` passed; answers its state and decision. */
  final: {
    args: { thid: string; timeoutMs: number }
    value: { state: string; decision?: 'permit' | 'deny' }
  }
  stop: { args: Record<string, never>; value: null }
}

/** The type of credential the bench issues. */
export const BENCH_CREDENTIAL_TYPE = 'KycCredential'

const LISTEN_CONFIG: NonNullable<TestAgentOptions['config']> = {
  transport: {
    http: { rateLimit: { limit: 1_000_000, windowSeconds: 60 } },
    ws: { rateLimit: { limit: 1_000_000, windowSeconds: 60 } },
  },
}

let agent: ParleyAgent | undefined
let received = 0
const waiters = new Set<{ count: number; resolve: () => void }>()

const handlers: { [K in keyof AgentCommands]: (args: AgentCommands[K]['args']) => unknown } = {
  async init({ dir, caFile, ca, name, config = {} }) {
    const network: TestNetwork = { dir, ca, caFile, agents: [], close: async () => undefined }
    agent = await startAgent(network, name, { config: { ...LISTEN_CONFIG, ...config } })
    // An experiment only, to tell commit fsyncs from the rest: Parley itself leaves SQLite's default.
    const synchronous = process.env['BENCH_SQLITE_SYNCHRONOUS']
    if (synchronous === 'NORMAL') await agent.dataSource.query('PRAGMA synchronous = NORMAL')
    agent.events.on('message.received', () => {
      received += 1
      if (received % 8 === 0) process.send?.({ progress: received })
      for (const waiter of waiters) if (received >= waiter.count) waiter.resolve()
    })
    return { did: agent.did, port: agent.loaded.config.transport.port }
  },

  rss: () => process.memoryUsage(),

  protocols: () =>
    running()
      .engine.registry.handlers()
      .map((h) => h.definition.piuri),

  expect({ count, timeoutMs }) {
    return new Promise((resolve) => {
      const waiter = { count, resolve: () => done() }
      const timer = setTimeout(() => done(), timeoutMs)
      const done = () => {
        clearTimeout(timer)
        waiters.delete(waiter)
        resolve({ received })
      }
      waiters.add(waiter)
      if (received >= count) done()
    })
  },

  async rawUnpack({ packed, peers, ms, maxOps }) {
    const self = running()
    const secretKey = readSecret(self.loaded.fromData(self.loaded.config.secrets.keyFile))
    const owner = { veramo: self.veramo, did: self.did, dataSource: self.dataSource, secretKey }
    const raw = await rawResolvers([owner], peers)
    let next = 0
    const op = () => rawUnpack(packed[next++ % packed.length] as string, raw)
    await opsPerSecond(op, Math.min(500, ms / 2), maxOps)
    return { opsPerSecond: await opsPerSecond(op, ms, maxOps) }
  },

  async stages({ packed }) {
    const self = running()
    const context = { transport: 'https' as const, remoteAddress: '127.0.0.1' }
    const times = { unpackMs: [] as number[], acceptMs: [] as number[], processMs: [] as number[] }
    for (const envelope of packed) {
      let began = performance.now()
      await self.codec.unpack(envelope)
      times.unpackMs.push(performance.now() - began)

      began = performance.now()
      const accepted = await self.pipeline.accept(envelope, context)
      times.acceptMs.push(performance.now() - began)

      began = performance.now()
      await self.pipeline.process(accepted)
      times.processMs.push(performance.now() - began)
    }
    const ms = (values: number[]) => Math.round(median(values) * 100) / 100
    return {
      unpackMs: ms(times.unpackMs),
      acceptMs: ms(times.acceptMs),
      processMs: ms(times.processMs),
    }
  },

  async issue({ subject, start, count }) {
    const self = running()
    const credentials: VerifiableCredential[] = []
    for (let i = start; i < start + count; i += 1) {
      const credential = {
        issuer: { id: self.did },
        type: ['VerifiableCredential', BENCH_CREDENTIAL_TYPE],
        issuanceDate: new Date().toISOString(),
        credentialSubject: {
          id: subject,
          name: `Holder ${i}`,
          birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
          nationality: ['FR', 'DE', 'NL', 'IT'][i % 4],
          level: 1 + (i % 3),
        },
      }
      credentials.push(
        await self.veramo.createVerifiableCredential({ credential, proofFormat: 'jwt' }),
      )
    }
    return { credentials }
  },

  async store({ credentials }) {
    const self = running()
    for (const verifiableCredential of credentials) {
      await self.veramo.dataStoreSaveVerifiableCredential({ verifiableCredential })
    }
    return { stored: credentials.length }
  },

  async query({ issuer }) {
    const started = performance.now()
    const store = new CredentialStore(running().veramo)
    const found = await store.list({ type: BENCH_CREDENTIAL_TYPE, issuer, claims: { level: 2 } })
    return { matched: found.length, ms: Math.round(performance.now() - started) }
  },

  async offer({ to, type, claims }) {
    const record = await running().engine.startThread({
      protocol: ISSUE_CREDENTIAL,
      peerDid: to,
      event: { type: 'send-offer-credential', params: { detail: { type, claims } } },
    })
    return { thid: record.thid }
  },

  async requestProof({ to, definition, trustedIssuers, resource }) {
    const self = running()
    const record = await self.engine.startThread({
      protocol: PRESENT_PROOF,
      peerDid: to,
      event: requestPresentationEvent({
        definition: definition as Parameters<typeof requestPresentationEvent>[0]['definition'],
        trustedIssuers,
        domain: self.did,
        resource,
      }),
    })
    return { thid: record.thid }
  },

  async final({ thid, timeoutMs }) {
    const engine = running().engine
    let timer: NodeJS.Timeout | undefined
    const timedOut = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), timeoutMs)
    })
    const record = await Promise.race([engine.waitForFinal(thid), timedOut])
    clearTimeout(timer)
    if (record === undefined) return { state: 'timed out' }
    const decision = (record.data as PresentProofData).decision?.result
    return decision === undefined ? { state: record.state } : { state: record.state, decision }
  },

  async stop() {
    await agent?.stop()
    setImmediate(() => process.exit(0))
    return null
  },
}

process.on('message', (request: { id: number; cmd: keyof AgentCommands; args: never }) => {
  const handler = handlers[request.cmd] as (args: never) => unknown
  Promise.resolve()
    .then(() => handler(request.args))
    .then(
      (value) => process.send?.({ id: request.id, ok: true, value }),
      (error: unknown) =>
        process.send?.({ id: request.id, ok: false, error: (error as Error)?.stack ?? `${error}` }),
    )
})

function running(): ParleyAgent {
  if (agent === undefined) throw new Error('the agent is not started')
  return agent
}
