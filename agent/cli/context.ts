/**
 * What every CLI command shares: reading the global `--config` option and loading `agent.yml`.
 */
import type { Command } from 'commander'

import { loadConfig, type LoadedConfig } from '../config/load.js'

/** Loads the `agent.yml` named by the program's global `--config` option. */
export function loadFromCommand(command: Command): LoadedConfig {
  const { config } = command.optsWithGlobals<{ config: string }>()
  return loadConfig(config)
}

/** Prints a value as indented JSON on standard output, the CLI's machine-readable form. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`)
}
