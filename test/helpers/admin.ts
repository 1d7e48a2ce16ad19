/**
 * Driving a running test agent from outside: its admin API over real HTTP with its bearer token,
 * and the `parley` CLI as a child process against an agent.yml written for it.
 */
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import type { ParleyAgent } from '../../agent/agent.js'
import { readAdminToken } from '../../agent/admin/token.js'

/** An admin API answer: the HTTP status and the parsed JSON body. */
export interface AdminAnswer<T = unknown> {
  status: number
  body: T
}

/** Calls an agent's admin API with its token (or with `token`, `null` for none). */
export async function callAdmin<T = any>(
  agent: ParleyAgent,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  options: { body?: unknown; token?: string | null } = {},
): Promise<AdminAnswer<T>> {
  if (agent.admin === undefined)
    throw new TypeError(`${agent.loaded.config.agent.label} has no admin API`)
  const token =
    options.token === undefined
      ? readAdminToken(agent.loaded.fromData(agent.loaded.config.admin.tokenFile))
      : options.token
  const response = await fetch(`${agent.admin.url()}${path}`, {
    method,
    headers: token === null ? {} : { authorization: `Bearer ${token}` },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
  })
  return { status: response.status, body: (await response.json()) as T }
}

/** Writes the agent's configuration, as loaded, to `agent.yml` in its folder; returns the path. */
export function writeAgentYml(agent: ParleyAgent): string {
  const path = join(agent.loaded.configDir, 'agent.yml')
  // JSON is YAML: the CLI reads this file like any agent.yml.
  writeFileSync(path, JSON.stringify(agent.loaded.config, null, 2))
  return path
}

/** What a CLI run printed and its exit code. */
export interface CliRun {
  code: number
  stdout: string
  stderr: string
}

const PARLEY = join(import.meta.dirname, '..', '..', 'bin', 'parley.js')

/** Runs `node bin/parley.js -c <config> ...args` and resolves when it exits. */
export function runCli(config: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [PARLEY, '-c', config, ...args],
      { env: { ...process.env, PARLEY_LOG_LEVEL: 'silent' } },
      (error, stdout, stderr) => {
        const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1
        resolve({ code, stdout, stderr })
      },
    )
  })
}
