/**
 * Memory figures: the resident set size of each agent process, and of the holder once it keeps
 * many real credentials (JWT VCs signed by the issuer, claims varied) in Veramo's data store and
 * has answered a query over them.
 */
import { performance } from 'node:perf_hooks'

import type { AgentProcess } from './fleet.js'

/** How many credentials to put in the holder's store, and how long that may take. */
export interface MemoryBudget {
  credentials: number
  /** Issued and stored in batches of this many, the next batch signed while one is stored. */
  batch: number
  limitMs: number
}

/** The memory section of the results; sizes in MiB. */
export interface MemoryResults {
  afterRuns: Record<string, { rssMiB: number; heapUsedMiB: number }>
  holderWithCredentials: {
    requested: number
    stored: number
    issuePerSecond: number
    storePerSecond: number
    query: { matched: number; ms: number }
    rssMiB: number
    heapUsedMiB: number
  }
}

/** Budgets for a normal and a quick run. */
export const MEMORY_BUDGETS: Record<'full' | 'quick', MemoryBudget> = {
  full: { credentials: 10_000, batch: 250, limitMs: 600_000 },
  quick: { credentials: 1000, batch: 250, limitMs: 120_000 },
}

const MIB = 1024 * 1024

/** Reads each agent's memory as it is now. */
export async function memoryOf(
  agents: readonly AgentProcess[],
): Promise<MemoryResults['afterRuns']> {
  const entries = await Promise.all(
    agents.map(async (agent) => [agent.name, mib(await agent.call('rss', {}))] as const),
  )
  return Object.fromEntries(entries)
}

/**
 * Has the issuer sign credentials about the holder and the holder store them, batch by batch,
 * then queries the holder's store and reads its memory.
 */
export async function benchHolderStore(
  issuer: AgentProcess,
  holder: AgentProcess,
  budget: MemoryBudget,
): Promise<MemoryResults['holderWithCredentials']> {
  const start = performance.now()
  const deadline = start + budget.limitMs
  let issueMs = 0
  let storeMs = 0
  let stored = 0

  const issue = async (from: number) => {
    const began = performance.now()
    const count = Math.min(budget.batch, budget.credentials - from)
    const { credentials } = await issuer.call('issue', { subject: holder.did, start: from, count })
    issueMs += performance.now() - began
    return credentials
  }

  let next = issue(0)
  let issued = Math.min(budget.batch, budget.credentials)
  while (performance.now() < deadline) {
    const credentials = await next
    if (credentials.length === 0) break
    next = issued < budget.credentials ? issue(issued) : Promise.resolve([])
    issued += Math.min(budget.batch, Math.max(0, budget.credentials - issued))

    const began = performance.now()
    stored += (await holder.call('store', { credentials })).stored
    storeMs += performance.now() - began
  }
  await next

  const query = await holder.call('query', { issuer: issuer.did })
  const usage = mib(await holder.call('rss', {}))
  return {
    requested: budget.credentials,
    stored,
    issuePerSecond: Math.round(issued / (issueMs / 1000)),
    storePerSecond: Math.round(stored / (storeMs / 1000)),
    query,
    ...usage,
  }
}

function mib(usage: NodeJS.MemoryUsage): { rssMiB: number; heapUsedMiB: number } {
  return { rssMiB: Math.round(usage.rss / MIB), heapUsedMiB: Math.round(usage.heapUsed / MIB) }
}
