/**
 * Flow figures: complete issue-and-present flows per second with three agents (issuer, holder,
 * verifier) on loopback, and the latency of one flow.
 */
import type { AgentProcess } from './fleet.js'

/** The flow section of the results: figures, or why there are none. */
export type FlowResults =
  | {
      available: true
      flowsPerSecond: number
      concurrency: number
      flows: number
      latencyMs: { p50: number; p99: number }
    }
  | { available: false; reason: string }

/** What the bench reports while the credential protocols cannot run a flow end to end. */
export function flowsNotAvailable(reason: string): FlowResults {
  return { available: false, reason }
}

/** The three agents of a flow. */
export interface FlowAgents {
  issuer: AgentProcess
  holder: AgentProcess
  verifier: AgentProcess
}

/**
 * Runs complete flows when the engine has both credential protocols, else says why not. Figures
 * are never estimated.
 */
export async function benchFlows(agents: FlowAgents, mode: 'full' | 'quick'): Promise<FlowResults> {
  const gaps: string[] = []
  for (const agent of [agents.issuer, agents.holder, agents.verifier]) {
    const missing = await missingProtocols(agent)
    if (missing.length > 0) gaps.push(`${agent.name} lacks ${missing.join(' and ')}`)
  }
  if (gaps.length > 0) {
    return flowsNotAvailable(`the assembled agents cannot run the flow: ${gaps.join('; ')}`)
  }
  return flowsNotAvailable(
    `both protocols are registered, but the bench does not drive flows yet (${mode} run)`,
  )
}

/** The protocols a flow needs. */
const FLOW_PROTOCOLS = [
  'https://didcomm.org/issue-credential/3.0',
  'https://didcomm.org/present-proof/3.0',
]

async function missingProtocols(agent: AgentProcess): Promise<string[]> {
  const present = await agent.call('protocols', {})
  return FLOW_PROTOCOLS.filter((piuri) => !present.some((p) => p.startsWith(piuri)))
}
