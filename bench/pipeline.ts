/**
 * Pipeline figures: trust-ping messages per second through an agent's whole inbound path
 * (mutual TLS, transport, unpack, checks, guard, SQLite commit, answer, engine dispatch), sent by
 * a client in the bench process with bounded concurrency over keep-alive HTTPS and over one WSS
 * connection; and raw didcomm-node unpack of the same envelopes in the agent's own process.
 *
 * A round ends when the engine has dispatched every message sent (its `message.received`
 * event), not when the transport answered, so the figure includes dispatch.
 */
import { randomUUID } from 'node:crypto'
import { Agent, request } from 'node:https'
import { performance } from 'node:perf_hooks'

import WebSocket from 'ws'

import { issueCertificate, type PemPair } from '../agent/pki/dev-pki.js'
import { openAgent, type TestAgent } from '../test/agent/didcomm/agents.js'
import { benchMessage } from './codec.js'
import type { AgentProcess, Fleet } from './fleet.js'
import { median, ratio, round } from './measure.js'

/** How much traffic one pipeline round sends. */
export interface PipelineBudget {
  /** Messages per round and transport. */
  messages: number
  rounds: number
  /** Requests (HTTPS) or frames (WSS) in flight at most. */
  concurrency: number
  /** A round stops sending after this long, however many messages are left. */
  roundLimitMs: number
  /** Length of one raw-unpack measurement, in ms. */
  rawMs: number
}

/** The pipeline section of the results. */
export interface PipelineResults {
  receiver: string
  messageBytes: number
  concurrency: number
  messagesPerRound: number
  rounds: number
  https: { messagesPerSecond: number; errors: number }
  wss: { messagesPerSecond: number; errors: number }
  rawUnpackPerSecond: number
  /** One message at a time, in the receiver's process, no transport: median ms per stage. */
  stagesMs: { unpackMs: number; acceptMs: number; processMs: number }
  ratioToRawUnpack: { https: number | null; wss: number | null }
}

/** Budgets for a normal and a quick run. */
export const PIPELINE_BUDGETS: Record<'full' | 'quick', PipelineBudget> = {
  full: { messages: 1000, rounds: 3, concurrency: 16, roundLimitMs: 30_000, rawMs: 2000 },
  quick: { messages: 250, rounds: 2, concurrency: 16, roundLimitMs: 10_000, rawMs: 500 },
}

/** Loads `receiver` round after round over HTTPS and WSS, with raw unpack measured in between. */
export async function benchPipeline(
  fleet: Fleet,
  receiver: AgentProcess,
  budget: PipelineBudget,
): Promise<PipelineResults> {
  const sender = await openAgent(fleet.dir, 'bench-client')
  const tls = {
    ...(await issueCertificate(fleet.ca, { commonName: 'bench-client', did: sender.identity.did })),
    ca: fleet.ca.cert,
  }
  try {
    const https: number[] = []
    const wss: number[] = []
    const raw: number[] = []
    let errors = { https: 0, wss: 0 }
    let dispatched = (await receiver.call('expect', { count: 0, timeoutMs: 0 })).received

    for (let r = 0; r < budget.rounds; r += 1) {
      const overHttps = await packMany(sender, receiver.did, budget.messages)
      const sample = overHttps.slice(0, 200)
      const peers = [sender.identity.did]
      const args = { packed: sample, peers, ms: budget.rawMs, maxOps: 1e6 }
      raw.push((await receiver.call('rawUnpack', args)).opsPerSecond)

      const h = await httpsRound(receiver, overHttps, tls, budget, dispatched)
      https.push(h.rate)
      errors.https += h.errors
      dispatched = h.dispatched

      const overWss = await packMany(sender, receiver.did, budget.messages)
      const w = await wssRound(receiver, overWss, tls, budget, dispatched)
      wss.push(w.rate)
      errors.wss += w.errors
      dispatched = w.dispatched
    }

    const warm = await packMany(sender, receiver.did, STAGE_MESSAGES + 20)
    await receiver.call('stages', { packed: warm.slice(0, 20) })
    const stagesMs = await receiver.call('stages', { packed: warm.slice(20) })

    const rawUnpack = median(raw)
    return {
      receiver: receiver.name,
      messageBytes: 1024,
      concurrency: budget.concurrency,
      messagesPerRound: budget.messages,
      rounds: budget.rounds,
      https: { messagesPerSecond: round(median(https)), errors: errors.https },
      wss: { messagesPerSecond: round(median(wss)), errors: errors.wss },
      rawUnpackPerSecond: round(rawUnpack),
      stagesMs,
      ratioToRawUnpack: {
        https: ratio(median(https), rawUnpack),
        wss: ratio(median(wss), rawUnpack),
      },
    }
  } finally {
    await sender.dataSource.destroy()
  }
}

/** Messages taken one at a time for the per-stage figures. */
const STAGE_MESSAGES = 200

interface RoundResult {
  /** Messages dispatched per second, from the first send to the last dispatch. */
  rate: number
  errors: number
  /** The receiver's dispatched count after the round. */
  dispatched: number
}

type ClientTls = PemPair & { ca: string }

async function packMany(sender: TestAgent, to: string, count: number): Promise<string[]> {
  const packed: string[] = []
  for (let i = 0; i < count; i += 1) {
    const message = benchMessage(sender.identity.did, to, randomUUID())
    packed.push((await sender.codec.pack(message)).packed)
  }
  return packed
}

async function httpsRound(
  receiver: AgentProcess,
  messages: string[],
  tls: ClientTls,
  budget: PipelineBudget,
  before: number,
): Promise<RoundResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: budget.concurrency, ...tls })
  const start = performance.now()
  const deadline = start + budget.roundLimitMs
  let next = 0
  let errors = 0

  const worker = async () => {
    while (next < messages.length && performance.now() < deadline) {
      const status = await post(agent, receiver.port, messages[next++] as string)
      if (status !== 202) errors += 1
    }
  }
  await Promise.all(Array.from({ length: budget.concurrency }, worker))

  const sent = next - errors
  const timeoutMs = Math.max(1000, deadline - performance.now())
  const { received } = await receiver.call('expect', { count: before + sent, timeoutMs })
  const elapsed = (performance.now() - start) / 1000
  agent.destroy()
  return { rate: (received - before) / elapsed, errors, dispatched: received }
}

function post(agent: Agent, port: number, body: string): Promise<number> {
  return new Promise((resolve) => {
    const req = request(
      {
        agent,
        host: '127.0.0.1',
        port,
        path: '/didcomm',
        method: 'POST',
        headers: {
          'content-type': 'application/didcomm-encrypted+json',
          'content-length': Buffer.byteLength(body),
        },
      },
      (res) => {
        res.resume()
        res.on('end', () => resolve(res.statusCode ?? 0))
      },
    )
    req.on('error', () => resolve(0))
    req.end(body)
  })
}

async function wssRound(
  receiver: AgentProcess,
  messages: string[],
  tls: ClientTls,
  budget: PipelineBudget,
  before: number,
): Promise<RoundResult> {
  const ws = new WebSocket(`wss://127.0.0.1:${receiver.port}/ws`, tls)
  await new Promise((resolve, reject) => {
    ws.once('open', resolve)
    ws.once('error', reject)
  })

  let dispatched = before
  let sent = 0
  let errors = 0
  const start = performance.now()
  const deadline = start + budget.roundLimitMs
  const pump = () => {
    while (
      sent < messages.length &&
      sent - (dispatched - before) < budget.concurrency &&
      performance.now() < deadline
    ) {
      ws.send(messages[sent++] as string, (error) => error && (errors += 1))
    }
  }
  const stop = receiver.onProgress((received) => {
    dispatched = received
    pump()
  })
  ws.on('close', () => (sent = messages.length))
  pump()

  const { received } = await waitUntilSent(receiver, () => sent, messages.length, before, deadline)
  const elapsed = (performance.now() - start) / 1000
  stop()
  ws.close()
  return { rate: (received - before) / elapsed, errors, dispatched: received }
}

/** Waits until every frame was sent (or the time is up), then for the receiver to dispatch them. */
async function waitUntilSent(
  receiver: AgentProcess,
  sent: () => number,
  total: number,
  before: number,
  deadline: number,
): Promise<{ received: number }> {
  while (sent() < total && performance.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
  const timeoutMs = Math.max(1000, deadline - performance.now())
  return receiver.call('expect', { count: before + sent(), timeoutMs })
}
