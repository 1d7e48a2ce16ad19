/**
 * Named actors for credential, presentation and policy tests: each a real Veramo agent over its
 * own temporary SQLite file, with a did:peer:2 identity and real keys.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'

import type { DataSource } from 'typeorm'

import { createVeramoAgent, type VeramoAgent } from '../../../agent/veramo.js'
import { openDataSource } from '../../../storage/datasource.js'
import { tempDir } from '../../helpers/tmp.js'

/** One agent with its DID. */
export interface Actor {
  name: string
  did: string
  veramo: VeramoAgent
  dataSource: DataSource
}

/** A set of actors and the function that closes their databases and removes their files. */
export interface Cast<N extends string> {
  actors: Record<N, Actor>
  close: () => Promise<void>
}

/** Creates one actor per name, each over its own database in one temporary folder. */
export async function createCast<N extends string>(names: readonly N[]): Promise<Cast<N>> {
  const { dir, cleanup } = tempDir('parley-actors-')
  const actors = {} as Record<N, Actor>

  for (const name of names) {
    const dataSource = await openDataSource({
      type: 'sqlite',
      path: join(dir, `${name}.sqlite`),
      busyTimeoutMs: 5000,
    })
    const veramo = createVeramoAgent({ dataSource, secretKey: randomBytes(32).toString('hex') })
    const identifier = await veramo.didManagerCreate({
      provider: 'did:peer',
      options: { num_algo: 2 },
    })
    actors[name] = { name, did: identifier.did, veramo, dataSource }
  }

  return {
    actors,
    close: async () => {
      for (const actor of Object.values<Actor>(actors)) await actor.dataSource.destroy()
      cleanup()
    },
  }
}

/** Replaces one claim in a JWT's payload without re-signing it. */
export function tamper(jwt: string, change: (payload: Record<string, unknown>) => void): string {
  const [header, payload, signature] = jwt.split('.')
  const decoded = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString('utf8'))
  change(decoded)
  const encoded = Buffer.from(JSON.stringify(decoded)).toString('base64url')
  return [header, encoded, signature].join('.')
}
