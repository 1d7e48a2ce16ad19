/**
 * `parley init`: prepares an agent's data folder (see `agent/init.ts`) and, when the named
 * agent.yml does not exist yet, writes the commented default configuration there first.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { Command } from 'commander'

import { loadConfig } from '../../config/load.js'
import { initializeAgent } from '../../init.js'
import { printJson } from '../context.js'

const DEFAULT_CONFIG = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'agent.yml')

/** Registers `parley init`. */
export function register(program: Command): void {
  program
    .command('init')
    .description('create the data folder, at-rest secret, admin token, database and DID')
    .action(async (_options: unknown, command: Command) => {
      const { config: configPath } = command.optsWithGlobals<{ config: string }>()
      const wroteConfig = !existsSync(configPath)
      if (wroteConfig) {
        mkdirSync(dirname(configPath), { recursive: true })
        copyFileSync(DEFAULT_CONFIG, configPath)
      }

      const initialized = await initializeAgent(loadConfig(configPath))
      printJson({ ...initialized, config: wroteConfig ? 'created' : 'existing' })
    })
}
