/**
 * `parley init`: prepares an agent's data folder: the at-rest secret (mode 0600), the admin API
 * token, the database with its migrations, and the agent's DID. Safe to run again: nothing that
 * exists is replaced.
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

import type { Command } from 'commander'

import { loadConfig } from '../../config/load.js'
import { ensureIdentity } from '../../identity.js'
import { createSecretFile, readSecret, SECRET_ENV } from '../../secrets.js'
import { createVeramoAgent } from '../../veramo.js'
import { openDataSource } from '../../../storage/datasource.js'
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

      const loaded = loadConfig(configPath)
      const { config } = loaded
      mkdirSync(loaded.dataDir, { recursive: true, mode: 0o700 })

      const keyFile = loaded.fromData(config.secrets.keyFile)
      const wroteSecret = process.env[SECRET_ENV] ? false : createSecretFile(keyFile)
      const secretKey = readSecret(keyFile)

      const dataSource = await openDataSource(config.storage, { resolvePath: loaded.fromData })
      try {
        const veramo = createVeramoAgent({ dataSource, secretKey })
        const identity = await ensureIdentity(veramo, {
          method: config.identity.method,
          endpoints: config.transport.endpoints,
          alias: config.identity.alias,
          ...(config.identity.webDomain === undefined
            ? {}
            : { webDomain: config.identity.webDomain }),
        })

        printJson({
          did: identity.did,
          dataDir: loaded.dataDir,
          config: wroteConfig ? 'created' : 'existing',
          secret: process.env[SECRET_ENV]
            ? `from ${SECRET_ENV}`
            : wroteSecret
              ? 'created'
              : 'existing',
        })
      } finally {
        await dataSource.destroy()
      }
    })
}
