/**
 * The bench's side of the agent processes: a development CA in a temporary folder, agents forked
 * from `agent-process.ts`, and typed requests to them over IPC.
 */
import { fork, type ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { createCa, type CertificateAuthority } from '../agent/pki/dev-pki.js'
import { tempDir } from '../test/helpers/tmp.js'
import type { AgentCommands } from './agent-process.js'

/** A CA and a folder that agent processes share. */
export interface Fleet {
  dir: string
  ca: CertificateAuthority
  caFile: string
  agents: AgentProcess[]
  /** Stops every agent process and removes the folder. */
  close(): Promise<void>
}

/** One agent running in a child process. */
export interface AgentProcess {
  name: string
  did: string
  port: number
  pid: number
  call<K extends keyof AgentCommands>(
    cmd: K,
    args: AgentCommands[K]['args'],
  ): Promise<AgentCommands[K]['value']>
  /** Called with the count of dispatched messages as the agent announces it. */
  onProgress(listener: (received: number) => void): () => void
}

const CHILD = fileURLToPath(new URL('./agent-process.ts', import.meta.url))

/** Creates a CA in a fresh temporary folder; agents are added with {@link spawnAgent}. */
export async function createFleet(): Promise<Fleet> {
  const { dir, cleanup } = tempDir('parley-bench-')
  const ca = await createCa({ commonName: 'Parley bench CA' })
  const caFile = join(dir, 'ca.crt')
  writeFileSync(caFile, ca.cert)
  const agents: AgentProcess[] = []

  return {
    dir,
    ca,
    caFile,
    agents,
    async close() {
      await Promise.allSettled(agents.splice(0).map((agent) => stopAgent(agent)))
      cleanup()
    },
  }
}

/**
 * Forks an agent process, starts its agent and waits until it listens.
 *
 * @param config - agent.yml sections merged over the bench's defaults (holder, verifier ...).
 */
export async function spawnAgent(
  fleet: Fleet,
  name: string,
  config: Record<string, Record<string, unknown>> = {},
): Promise<AgentProcess> {
  const child = fork(CHILD, [], {
    execArgv: ['--import', 'tsx', ...profileFlags(name)],
    env: { ...process.env, PARLEY_LOG_LEVEL: 'silent' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>()
  const progress = new Set<(received: number) => void>()
  let nextId = 1

  child.on('message', (message: IpcMessage) => {
    if ('progress' in message) return progress.forEach((listener) => listener(message.progress))
    const waiting = pending.get(message.id)
    pending.delete(message.id)
    if (message.ok) waiting?.resolve(message.value)
    else waiting?.reject(new Error(`${name}: ${message.error}`))
  })
  child.on('exit', (code) => {
    for (const waiting of pending.values()) waiting.reject(new Error(`${name} exited (${code})`))
    pending.clear()
  })

  const call = <K extends keyof AgentCommands>(cmd: K, args: AgentCommands[K]['args']) =>
    new Promise<AgentCommands[K]['value']>((resolve, reject) => {
      const id = nextId++
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject })
      child.send({ id, cmd, args })
    })

  const args = { dir: fleet.dir, caFile: fleet.caFile, ca: fleet.ca, name, config }
  const { did, port } = await call('init', args)
  const agent: AgentProcess = {
    name,
    did,
    port,
    pid: child.pid as number,
    call,
    onProgress(listener) {
      progress.add(listener)
      return () => progress.delete(listener)
    },
  }
  processes.set(agent, child)
  fleet.agents.push(agent)
  return agent
}

type IpcMessage =
  | { progress: number }
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string }

/** `BENCH_CPU_PROF=<dir>` writes a V8 CPU profile of each agent process there, at its exit. */
function profileFlags(name: string): string[] {
  const dir = process.env['BENCH_CPU_PROF']
  return dir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`]
}

const processes = new WeakMap<AgentProcess, ChildProcess>()

async function stopAgent(agent: AgentProcess): Promise<void> {
  const child = processes.get(agent)
  if (child === undefined || child.exitCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000)
  await agent.call('stop', {}).catch(() => undefined)
  await exited
  clearTimeout(timer)
}
