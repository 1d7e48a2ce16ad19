/**
 * Reads `agent.yml`, validates it and resolves its paths.
 *
 * Two bases for relative paths: files the operator provides (TLS material, presentation
 * definitions) are relative to the folder of `agent.yml`; files the agent writes (database, key
 * file, admin token, audit log, log file) are relative to `agent.dataDir`.
 */
import { readFileSync } from 'node:fs'
import { dirname, isAbsolute, resolve } from 'node:path'

import { parse as parseYaml } from 'yaml'

import { ConfigInvalidError } from '../errors.js'
import { configSchema, type AgentConfig } from './schema.js'

/** A validated configuration with the two path bases it was read against. */
export interface LoadedConfig {
  config: AgentConfig
  /** Absolute folder of `agent.yml` (or the working directory for an in-memory config). */
  configDir: string
  /** Absolute `agent.dataDir`. */
  dataDir: string
  /** Resolves an operator-provided path (relative to `agent.yml`). */
  fromConfig(path: string): string
  /** Resolves an agent-written path (relative to `agent.dataDir`). */
  fromData(path: string): string
}

/**
 * Loads and validates `agent.yml`.
 *
 * @throws ConfigInvalidError (`ERR_CONFIG_INVALID`) when the file is unreadable, is not YAML, or
 *   does not match the schema; the message names every offending field.
 */
export function loadConfig(path: string): LoadedConfig {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (cause) {
    throw new ConfigInvalidError(`cannot read ${path}`, { cause })
  }

  let raw: unknown
  try {
    raw = parseYaml(text) ?? {}
  } catch (cause) {
    const where = cause instanceof Error ? `: ${cause.message.split('\n')[0]}` : ''
    throw new ConfigInvalidError(`${path} is not valid YAML${where}`, { cause })
  }

  return resolveConfig(raw, dirname(resolve(path)))
}

/**
 * Validates a configuration object (as parsed from YAML) against the schema.
 *
 * @param configDir - the folder relative paths in the configuration are read against.
 * @throws ConfigInvalidError (`ERR_CONFIG_INVALID`) naming every field that does not match.
 */
export function resolveConfig(raw: unknown, configDir: string = process.cwd()): LoadedConfig {
  const parsed = configSchema.safeParse(raw)
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`)
    throw new ConfigInvalidError(`invalid configuration: ${problems.join('; ')}`, {
      cause: parsed.error,
    })
  }

  const config = parsed.data
  const absoluteConfigDir = resolve(configDir)
  const dataDir = resolveAgainst(absoluteConfigDir, config.agent.dataDir)

  return {
    config,
    configDir: absoluteConfigDir,
    dataDir,
    fromConfig: (p) => resolveAgainst(absoluteConfigDir, p),
    fromData: (p) => resolveAgainst(dataDir, p),
  }
}

function resolveAgainst(base: string, path: string): string {
  return isAbsolute(path) ? path : resolve(base, path)
}
