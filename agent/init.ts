/**
 * First-run preparation of an agent's data folder, shared by `parley init`, the demo and tests:
 * the at-rest secret (mode 0600), the database with its migrations, and the agent's DID.
 * Safe to run again: nothing that exists is replaced.
 */
import { existsSync, mkdirSync } from 'node:fs'

import { createAdminToken } from './admin/token.js'
import type { LoadedConfig } from './config/load.js'
import { ensureIdentity, identityOptions } from './identity.js'
import { SecretMissingError } from './errors.js'
import { assertSecretOpensKeys, createSecretFile, readSecret, SECRET_ENV } from './secrets.js'
import { createVeramoAgent } from './veramo.js'
import { openDataSource } from '../storage/datasource.js'

/** What {@link initializeAgent} found or made. */
export interface InitializedAgent {
  did: string
  dataDir: string
  /** Where the at-rest secret came from. */
  secret: 'created' | 'existing' | 'environment'
}

/**
 * Creates the data folder, the at-rest secret (unless `PARLEY_SECRET_KEY` is set), the database
 * and the agent's identity, as far as they do not exist yet.
 *
 * @throws SecretMissingError (`ERR_CONFIG_SECRET_MISSING`) when an existing key file is unusable.
 * @throws StorageUnavailableError (`ERR_STORAGE_UNAVAILABLE`) when the database cannot be opened.
 */
export async function initializeAgent(loaded: LoadedConfig): Promise<InitializedAgent> {
  const { config } = loaded
  mkdirSync(loaded.dataDir, { recursive: true, mode: 0o700 })

  const keyFile = loaded.fromData(config.secrets.keyFile)
  const fromEnvironment = Boolean(process.env[SECRET_ENV])
  if (!fromEnvironment && !existsSync(keyFile) && databaseExists(loaded)) {
    // A new secret could not decrypt the keys already stored: never make one here.
    throw new SecretMissingError(
      `the database in ${loaded.dataDir} exists but its key file ${keyFile} is gone; restore ` +
        `it or set ${SECRET_ENV}, or move the data folder away to start afresh`,
    )
  }
  const created = fromEnvironment ? false : createSecretFile(keyFile)
  const secretKey = readSecret(keyFile)
  createAdminToken(loaded.fromData(config.admin.tokenFile))

  const dataSource = await openDataSource(config.storage, { resolvePath: loaded.fromData })
  try {
    const veramo = createVeramoAgent({ dataSource, secretKey })
    const identity = await ensureIdentity(veramo, identityOptions(config))
    await assertSecretOpensKeys(dataSource, secretKey, identity)

    return {
      did: identity.did,
      dataDir: loaded.dataDir,
      secret: fromEnvironment ? 'environment' : created ? 'created' : 'existing',
    }
  } finally {
    await dataSource.destroy()
  }
}

function databaseExists(loaded: LoadedConfig): boolean {
  const { storage } = loaded.config
  return storage.type === 'sqlite' && existsSync(loaded.fromData(storage.path))
}
