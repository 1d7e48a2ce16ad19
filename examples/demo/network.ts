/**
 * The five agents of the demo and how they come up, all through the `parley` command: `init`
 * (data folder, secret, database, DID), `certs` (a throwaway CA and a certificate naming each
 * DID) and `start` (one process per agent, on loopback).
 */
import { join } from 'node:path'

import { adminApi, type AdminApi } from './admin.js'
import { parleyJson, startAgent, stopAgents, type AgentExit } from './processes.js'
import { expectThat } from './report.js'
import {
  adminToken,
  assertPortsFree,
  bindDids,
  PLACEHOLDER,
  prepareOutput,
  writeAgentFolder,
  type DemoAgent,
  type Example,
} from './setup.js'

/** The demo's cast. */
export type AgentName = 'issuer' | 'alice' | 'verifier' | 'mallory' | 'rogue'

/** The agents, their folders, DIDs and admin APIs. */
export interface DemoNetwork {
  root: string
  agents: Record<AgentName, DemoAgent>
  dids: Record<AgentName, string>
  admin: Record<AgentName, AdminApi>
  /** Absolute path of a file in the shared `certs/` folder. */
  certFile(name: string): string
}

interface CastMember {
  name: AgentName
  example: Example
  label: string
  adminPort: number
  port?: number
}

/**
 * Who takes part: the three example agents, and Mallory, a holder like Alice whose KYC
 * credential comes from an issuer the verifier does not trust (an agent made from the same
 * issuer example, on other ports).
 */
export const CAST: readonly CastMember[] = [
  { name: 'issuer', example: 'issuer', label: 'KYC issuer', port: 18443, adminPort: 18081 },
  { name: 'alice', example: 'holder', label: 'Alice (holder)', adminPort: 18082 },
  {
    name: 'verifier',
    example: 'verifier',
    label: "Members' area (verifier)",
    port: 18444,
    adminPort: 18083,
  },
  { name: 'mallory', example: 'holder', label: 'Mallory (holder)', adminPort: 18084 },
  {
    name: 'rogue',
    example: 'issuer',
    label: 'Rogue KYC issuer (untrusted)',
    port: 18445,
    adminPort: 18085,
  },
]

/** Whose DIDs replace the placeholders in each agent's configuration. */
const DID_BINDINGS: Partial<
  Record<AgentName, Partial<Record<keyof typeof PLACEHOLDER, AgentName>>>
> = {
  alice: { issuer: 'issuer', verifier: 'verifier' },
  verifier: { issuer: 'issuer' },
  mallory: { issuer: 'rogue', verifier: 'verifier' },
}

/**
 * Empties the demo folder, checks the ports, writes each agent's folder from its example and
 * runs `parley init` for all of them. Then writes the DIDs `init` printed into the
 * configurations that name other agents.
 */
export async function initAgents(root: string): Promise<Omit<DemoNetwork, 'admin'>> {
  await assertPortsFree(CAST.flatMap((m) => (m.port === undefined ? [] : [m.port])))
  await assertPortsFree(CAST.map((m) => m.adminPort))
  prepareOutput(root)

  const agents = Object.fromEntries(
    CAST.map((member) => [member.name, writeAgentFolder(root, member)]),
  ) as Record<AgentName, DemoAgent>

  const initialized = await Promise.all(
    CAST.map(async ({ name }) => {
      const result = await parleyJson<{ did: string }>(agents[name].config, ['init'])
      expectThat(
        typeof result.did === 'string' && result.did.startsWith('did:peer:'),
        `parley init for ${name} printed no did:peer DID`,
      )
      return [name, result.did] as const
    }),
  )
  const dids = Object.fromEntries(initialized) as Record<AgentName, string>

  for (const [name, binding] of Object.entries(DID_BINDINGS)) {
    const replacements: Record<string, string> = {}
    for (const [placeholder, whose] of Object.entries(binding)) {
      replacements[PLACEHOLDER[placeholder as keyof typeof PLACEHOLDER]] = dids[whose]
    }
    bindDids(agents[name as AgentName].config, replacements)
  }

  return { root, agents, dids, certFile: (name) => join(root, 'certs', name) }
}

/**
 * Creates the throwaway CA with the issuer's certificate (`parley certs init`), then a
 * certificate for every other agent (`parley certs issue`), each naming the agent's DID.
 */
export async function issueCertificates(network: Omit<DemoNetwork, 'admin'>): Promise<void> {
  const { agents, dids } = network
  await parleyJson(agents.issuer.config, [
    'certs',
    'init',
    '--dir',
    '../certs',
    '--name',
    'issuer',
    '--did',
    dids.issuer,
  ])

  const others = CAST.filter(({ name }) => name !== 'issuer')
  await Promise.all(
    others.map(({ name }) =>
      parleyJson(agents[name].config, [
        'certs',
        'issue',
        name,
        '--dir',
        '../certs',
        '--did',
        dids[name],
      ]),
    ),
  )
}

/**
 * Starts every agent with `parley start`, checks each reports the DID `init` gave it, and
 * connects to its admin API.
 */
export async function startAgents(network: Omit<DemoNetwork, 'admin'>): Promise<DemoNetwork> {
  const started = await Promise.all(
    CAST.map(({ name }) => startAgent(name, network.agents[name].config, network.agents[name].dir)),
  )
  for (const agent of started) {
    const name = agent.name as AgentName
    expectThat(
      agent.did === network.dids[name],
      `${name} started as ${agent.did}, not ${network.dids[name]}`,
    )
  }

  const admin = Object.fromEntries(
    CAST.map(({ name, adminPort }) => [
      name,
      adminApi(name, adminPort, adminToken(network.agents[name])),
    ]),
  ) as Record<AgentName, AdminApi>
  return { ...network, admin }
}

/**
 * Stops the agents with SIGTERM. Every agent must have run until asked, and must then exit 0
 * within the grace period: a clean stop drains work in flight and closes the database.
 */
export async function stopCleanly(): Promise<string> {
  const exits = await stopAgents()

  const unasked = exits.filter((exit) => exit.unasked)
  expectThat(
    unasked.length === 0,
    `agents ended before they were stopped: ${unasked.map(describeExit).join(', ')}`,
  )
  const unclean = exits.filter((exit) => exit.killed || exit.code !== 0)
  expectThat(
    unclean.length === 0,
    `agents did not stop cleanly: ${unclean.map(describeExit).join(', ')}`,
  )

  return `${exits.length} agents exited 0 on SIGTERM`
}

/** How an agent ended, in words. */
export function describeExit(exit: AgentExit): string {
  if (exit.killed) return `${exit.name} (killed: no exit within the grace period)`
  return `${exit.name} (${exit.code === null ? `signal ${exit.signal}` : `exit ${exit.code}`})`
}
