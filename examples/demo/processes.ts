/**
 * The `parley` command as child processes: one-shot commands (`init`, `certs`, `invite`, ...)
 * whose JSON output the demo reads, and long-running agents (`parley start`) whose output goes
 * to files in the demo folder. Every agent started here is stopped by {@link stopAgents}, and
 * killed outright if the demo exits without stopping it.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { openSync, closeSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

import { StepFailedError } from './report.js'

/** The `parley` executable of this checkout. */
const PARLEY_BIN = fileURLToPath(new URL('../../bin/parley.js', import.meta.url))

/** What a finished command printed. */
export interface CommandResult {
  code: number | null
  stdout: string
  stderr: string
}

/** An agent started with `parley start`. */
export interface RunningAgent {
  name: string
  did: string
  process: ChildProcess
}

/** How an agent process ended. */
export interface AgentExit {
  name: string
  code: number | null
  signal: NodeJS.Signals | null
  /** Whether it ended before {@link stopAgents} asked it to. */
  unasked: boolean
  /** Whether it had to be killed after not stopping within the grace period. */
  killed: boolean
}

/** Agents still running, by process, with their names. */
const running = new Map<ChildProcess, string>()
const stopping = new Set<ChildProcess>()
const killed = new Set<ChildProcess>()
const exits: AgentExit[] = []

process.once('exit', () => {
  for (const child of running.keys()) child.kill('SIGKILL')
})

/**
 * Runs `parley -c <config> <args...>` and resolves when it exits, whatever its status.
 *
 * @throws StepFailedError when it does not exit within `timeoutMs` (it is killed).
 */
export function runParley(
  config: string,
  args: string[],
  timeoutMs = 120_000,
): Promise<CommandResult> {
  const command = `parley -c ${config} ${args.join(' ')}`
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [PARLEY_BIN, '-c', config, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')))

    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new StepFailedError(`${command} did not finish within ${timeoutMs / 1000} s`))
    }, timeoutMs)
    child.once('error', (cause) => {
      clearTimeout(timer)
      reject(new StepFailedError(`cannot run ${command}`, { cause }))
    })
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

/**
 * Runs a `parley` command that must succeed and print JSON, and returns the parsed output.
 *
 * @throws StepFailedError naming the command and its error output when it exits non-zero or
 *   prints something other than JSON.
 */
export async function parleyJson<T>(config: string, args: string[], timeoutMs?: number) {
  const result = await runParley(config, args, timeoutMs)
  const command = `parley ${args.join(' ')}`
  if (result.code !== 0) {
    throw new StepFailedError(`${command} exited with ${result.code}: ${firstLine(result.stderr)}`)
  }

  try {
    return JSON.parse(result.stdout) as T
  } catch {
    throw new StepFailedError(`${command} printed no JSON: ${firstLine(result.stdout)}`)
  }
}

/**
 * Runs a `parley` command that must succeed and returns its trimmed text output.
 *
 * @throws StepFailedError when it exits non-zero.
 */
export async function parleyText(config: string, args: string[], timeoutMs?: number) {
  const result = await runParley(config, args, timeoutMs)
  if (result.code !== 0) {
    const command = `parley ${args.join(' ')}`
    throw new StepFailedError(`${command} exited with ${result.code}: ${firstLine(result.stderr)}`)
  }

  return result.stdout.trim()
}

/**
 * Starts `parley -c <config> start` with its standard output and error in `<logDir>/<name>.out`
 * and waits for the `started` line it prints once it listens.
 *
 * @throws StepFailedError when the agent exits first or does not start within `timeoutMs`.
 */
export function startAgent(
  name: string,
  config: string,
  logDir: string,
  timeoutMs = 120_000,
): Promise<RunningAgent> {
  const outFile = join(logDir, `${name}.out`)
  const out = openSync(outFile, 'a')
  const child = spawn(process.execPath, [PARLEY_BIN, '-c', config, 'start'], {
    stdio: ['ignore', 'pipe', out],
  })
  closeSync(out)
  running.set(child, name)
  child.once('exit', (code, signal) => {
    running.delete(child)
    exits.push({ name, code, signal, unasked: !stopping.has(child), killed: killed.has(child) })
  })

  return new Promise((resolve, reject) => {
    let buffered = ''
    let started = false
    const fail = (message: string): void => {
      clearTimeout(timer)
      reject(new StepFailedError(`${message}; see ${outFile} and the agent's agent.log`))
    }
    const timer = setTimeout(
      () => fail(`${name} did not start within ${timeoutMs / 1000} s`),
      timeoutMs,
    )
    child.once('exit', (code, signal) => {
      if (!started) fail(`${name} exited with ${code ?? signal}`)
    })

    child.stdout?.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8')
      const line = buffered
        .split('\n')
        .map(parseLine)
        .find((candidate) => candidate?.['event'] === 'started')
      if (started) buffered = ''
      if (started || line === undefined) return

      started = true
      buffered = ''
      clearTimeout(timer)
      resolve({ name, did: String(line['did']), process: child })
    })
  })
}

/**
 * Stops every agent this process started: SIGTERM, then SIGKILL for any still running after
 * `graceMs`. Resolves once all have exited, with how every agent started so far ended.
 */
export async function stopAgents(graceMs = 10_000): Promise<AgentExit[]> {
  await Promise.all(
    [...running.keys()].map(
      (child) =>
        new Promise<void>((resolve) => {
          const timer = setTimeout(() => {
            killed.add(child)
            child.kill('SIGKILL')
          }, graceMs)
          child.once('exit', () => {
            clearTimeout(timer)
            resolve()
          })
          stopping.add(child)
          child.kill('SIGTERM')
        }),
    ),
  )
  return [...exits]
}

function parseLine(line: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(line) as unknown
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function firstLine(text: string): string {
  const line = text.trim().split('\n')[0] ?? ''
  return line === '' ? '(no output)' : line
}
