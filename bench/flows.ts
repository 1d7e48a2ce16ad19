/**
 * Flow figures: complete issue-and-present flows per second with three agents (issuer, holder,
 * verifier), each in its own process, talking DIDComm over mutual TLS on loopback; and the
 * latency of one flow.
 *
 * One flow: the issuer offers a KYC credential to the holder, which accepts it without asking
 * (`holder.autoAcceptOffersFrom`), receives and stores it and acknowledges it; the verifier then
 * requests a presentation for its policy's resource, the holder presents without asking
 * (`holder.autoPresentTo`), and the verifier verifies it, decides and grants access. A flow
 * counts once the verifier's thread is final with a `permit` decision.
 */
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'

import { BENCH_CREDENTIAL_TYPE } from './agent-process.js'
import { spawnAgent, type AgentProcess, type Fleet } from './fleet.js'
import { percentile } from './measure.js'

/** The flow section of the results. */
export interface FlowResults {
  available: true
  flowsPerSecond: number
  /** Flows in flight at most. */
  concurrency: number
  /** Flows completed (a permit decision) in the measured run. */
  flows: number
  /** Flows that ended otherwise (declined, denied, timed out), counted by how they ended. */
  failed: Record<string, number>
  latencyMs: { p50: number; p99: number }
  /**
   * Flows/s over the first and the second half of the completed flows: the holder keeps every
   * credential it was issued, and selecting one for a presentation reads them all.
   */
  flowsPerSecondByHalf: [number, number]
}

/** How many flows one run starts. */
export interface FlowBudget {
  /** Flows run before measuring, one at a time. */
  warmup: number
  flows: number
  concurrency: number
  /** No new flow starts after this long; each flow waits at most `flowLimitMs`. */
  runLimitMs: number
  flowLimitMs: number
}

/** Budgets for a normal and a quick run. */
export const FLOW_BUDGETS: Record<'full' | 'quick', FlowBudget> = {
  full: { warmup: 5, flows: 300, concurrency: 8, runLimitMs: 60_000, flowLimitMs: 30_000 },
  quick: { warmup: 2, flows: 40, concurrency: 8, runLimitMs: 20_000, flowLimitMs: 20_000 },
}

/** The three agents of a flow. */
export interface FlowAgents {
  issuer: AgentProcess
  holder: AgentProcess
  verifier: AgentProcess
}

/** The protected resource the verifier's policy guards. */
const RESOURCE = 'members'

/** What the verifier asks for: a KYC credential showing a birth date and level 2 or more. */
const DEFINITION = {
  id: 'bench-kyc',
  input_descriptors: [
    {
      id: 'kyc',
      constraints: {
        fields: [
          {
            path: ['$.type', '$.vc.type'],
            filter: { type: 'array', contains: { const: BENCH_CREDENTIAL_TYPE } },
          },
          { path: ['$.credentialSubject.birthDate', '$.vc.credentialSubject.birthDate'] },
          {
            path: ['$.credentialSubject.level', '$.vc.credentialSubject.level'],
            filter: { type: 'number', minimum: 2 },
          },
        ],
      },
    },
  ],
}

/**
 * Spawns the verifier and the holder, configured for flows with `issuer`: the verifier's policy
 * trusts the issuer and asks for age 18 and level 2; the holder accepts the issuer's offers and
 * presents to the verifier without asking.
 */
export async function spawnFlowAgents(fleet: Fleet, issuer: AgentProcess): Promise<FlowAgents> {
  const definition = join(fleet.dir, 'bench-kyc-definition.json')
  writeFileSync(definition, JSON.stringify(DEFINITION))

  const verifier = await spawnAgent(fleet, 'verifier', {
    verifier: {
      policies: [
        {
          resource: RESOURCE,
          definition,
          trustedIssuers: [issuer.did],
          conditions: [
            { claim: 'level', op: 'gte', value: 2 },
            { claim: 'birthDate', op: 'ageAtLeast', value: 18 },
          ],
          grantTtlSeconds: 600,
        },
      ],
    },
  })
  const holder = await spawnAgent(fleet, 'holder', {
    holder: {
      trustedIssuers: [issuer.did],
      autoAcceptOffersFrom: [issuer.did],
      autoPresentTo: [verifier.did],
    },
  })
  return { issuer, holder, verifier }
}

/** Runs a few flows one at a time, then `budget.flows` with bounded concurrency. */
export async function benchFlows(agents: FlowAgents, budget: FlowBudget): Promise<FlowResults> {
  for (let i = 0; i < budget.warmup; i += 1) {
    const outcome = await oneFlow(agents, i, budget.flowLimitMs)
    if (!outcome.ok) throw new Error(`a warm-up flow failed: ${outcome.reason}`)
  }

  const latencies: number[] = []
  const completedAt: number[] = []
  const failed: Record<string, number> = {}
  let next = 0
  const start = performance.now()
  const deadline = start + budget.runLimitMs

  const worker = async () => {
    while (next < budget.flows && performance.now() < deadline) {
      const index = budget.warmup + next++
      const outcome = await oneFlow(agents, index, budget.flowLimitMs)
      if (outcome.ok) {
        latencies.push(outcome.ms)
        completedAt.push(performance.now())
      } else failed[outcome.reason] = (failed[outcome.reason] ?? 0) + 1
    }
  }
  await Promise.all(Array.from({ length: budget.concurrency }, worker))
  const elapsed = (performance.now() - start) / 1000

  return {
    available: true,
    flowsPerSecond: Math.round((latencies.length / elapsed) * 10) / 10,
    concurrency: budget.concurrency,
    flows: latencies.length,
    failed,
    latencyMs: {
      p50: Math.round(percentile(latencies, 50)),
      p99: Math.round(percentile(latencies, 99)),
    },
    flowsPerSecondByHalf: byHalf(start, completedAt),
  }
}

function byHalf(start: number, completedAt: number[]): [number, number] {
  const middle = Math.floor(completedAt.length / 2)
  const split = completedAt[middle - 1] ?? start
  const end = completedAt[completedAt.length - 1] ?? start
  const rate = (count: number, ms: number) => (ms > 0 ? Math.round((count / ms) * 10_000) / 10 : 0)
  return [rate(middle, split - start), rate(completedAt.length - middle, end - split)]
}

type FlowOutcome = { ok: true; ms: number } | { ok: false; reason: string }

async function oneFlow(
  { issuer, holder, verifier }: FlowAgents,
  index: number,
  timeoutMs: number,
): Promise<FlowOutcome> {
  const began = performance.now()
  const claims = {
    name: `Holder ${index}`,
    birthDate: `19${60 + (index % 40)}-04-01`,
    nationality: ['FR', 'DE', 'NL', 'IT'][index % 4],
    level: 2 + (index % 2),
  }

  const offered = await issuer.call('offer', {
    to: holder.did,
    type: BENCH_CREDENTIAL_TYPE,
    claims,
  })
  const issued = await issuer.call('final', { thid: offered.thid, timeoutMs })
  if (issued.state !== 'done') return { ok: false, reason: `issuance ended ${issued.state}` }

  const requested = await verifier.call('requestProof', {
    to: holder.did,
    definition: DEFINITION,
    trustedIssuers: [issuer.did],
    resource: RESOURCE,
  })
  const decided = await verifier.call('final', { thid: requested.thid, timeoutMs })
  if (decided.state !== 'done' || decided.decision !== 'permit') {
    return { ok: false, reason: `presentation ended ${decided.state} (${decided.decision})` }
  }
  return { ok: true, ms: performance.now() - began }
}
