/**
 * The TypeORM DataSource behind one agent: Veramo's entities and migrations plus Parley's own.
 *
 * `synchronize` is off: the schema only ever changes through migrations, which run at start.
 * SQLite runs in WAL mode with a busy timeout so that readers never block the single writer, and
 * with `synchronous` as `storage.synchronous` says (`full` unless configured otherwise).
 */
import 'reflect-metadata'

import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'

import { Entities as veramoEntities, migrations as veramoMigrations } from '@veramo/data-store'
import sqlite3 from 'sqlite3'
import { DataSource, type DataSourceOptions } from 'typeorm'

import type { StorageConfig } from '../agent/config/schema.js'
import { StorageUnavailableError } from '../agent/errors.js'
import { parleyEntities, parleyMigrations } from './registry.js'

type SqliteStorage = Extract<StorageConfig, { type: 'sqlite' }>

/**
 * A storage configuration as {@link openDataSource} takes it: as parsed from `agent.yml`, or
 * written by hand with `synchronous` left out (then `full`).
 */
export type StorageSettings =
  | Exclude<StorageConfig, SqliteStorage>
  | (Omit<SqliteStorage, 'synchronous'> & Partial<Pick<SqliteStorage, 'synchronous'>>)

/** Options for {@link openDataSource}. */
export interface OpenDataSourceOptions {
  /** Resolves the SQLite path of the configuration (relative to the data folder). */
  resolvePath?: (path: string) => string
}

/**
 * Opens the database named by the storage configuration and brings its schema up to date.
 *
 * @throws StorageUnavailableError (`ERR_STORAGE_UNAVAILABLE`) when the database cannot be opened
 *   or a migration fails.
 */
export async function openDataSource(
  storage: StorageSettings,
  options: OpenDataSourceOptions = {},
): Promise<DataSource> {
  const dataSource = new DataSource(dataSourceOptions(storage, options))

  try {
    await dataSource.initialize()
    await dataSource.runMigrations({ transaction: 'each' })
    if (storage.type === 'sqlite') {
      await dataSource.query(
        `PRAGMA synchronous = ${(storage.synchronous ?? 'full').toUpperCase()}`,
      )
      serializeSqliteTransactions(dataSource)
    }
  } catch (cause) {
    if (dataSource.isInitialized) await dataSource.destroy()
    throw new StorageUnavailableError(`cannot open the ${storage.type} database`, { cause })
  }

  return dataSource
}

/** The TypeORM options for a storage configuration, without opening anything. */
export function dataSourceOptions(
  storage: StorageSettings,
  options: OpenDataSourceOptions = {},
): DataSourceOptions {
  const entities = [...veramoEntities, ...parleyEntities]
  const migrations = [...veramoMigrations, ...parleyMigrations]

  if (storage.type === 'postgres') {
    return { type: 'postgres', url: storage.url, entities, migrations, synchronize: false }
  }

  const database = options.resolvePath ? options.resolvePath(storage.path) : storage.path
  if (database !== ':memory:') mkdirSync(dirname(database), { recursive: true })

  return {
    type: 'sqlite',
    database,
    entities,
    migrations,
    synchronize: false,
    migrationsRun: false,
    enableWAL: true,
    busyTimeout: storage.busyTimeoutMs,
    logging: false,
    driver: quietSqlite3,
  }
}

/**
 * The `sqlite3` module as TypeORM's driver sees it, with `verbose()` made a no-op: TypeORM
 * calls it on load, and verbose mode captures a stack trace and copies the arguments of every
 * statement, about 5 % of an agent's CPU under load. Errors still carry SQLite's message and code.
 */
const quietSqlite3 = { ...sqlite3, verbose: () => quietSqlite3 }

/**
 * TypeORM's SQLite driver hands every caller the same query runner on one connection and does not
 * order transactions: two concurrent `transaction()` calls interleave and fail with "cannot start
 * a transaction within a transaction". This runs `transaction()` calls one after another.
 * Inside a transaction, use the manager it passes in: calling `dataSource.transaction` again from
 * inside one would wait for itself.
 */
function serializeSqliteTransactions(dataSource: DataSource): void {
  const manager = dataSource.manager
  const transaction = manager.transaction.bind(manager) as (...args: unknown[]) => Promise<unknown>
  let tail: Promise<unknown> = Promise.resolve()

  manager.transaction = ((...args: unknown[]) => {
    const run = tail.then(() => transaction(...args))
    tail = run.catch(() => undefined)
    return run
  }) as typeof manager.transaction
}
