/** Two-agent fixtures: real Veramo agents over real SQLite files in a temporary folder. */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'

import type { IIdentifier } from '@veramo/core'
import type { ResolverRegistry } from 'did-resolver'
import type { DataSource } from 'typeorm'

import { createVeramoCodec } from '../../../agent/didcomm/veramo-sources.js'
import type { DidcommCodec } from '../../../agent/didcomm/types.js'
import { ensureIdentity, type EnsureIdentityOptions } from '../../../agent/identity.js'
import { createVeramoAgent, type VeramoAgent } from '../../../agent/veramo.js'
import { openDataSource } from '../../../storage/datasource.js'

/** One agent of a test. */
export interface TestAgent {
  name: string
  dbPath: string
  secretKey: string
  dataSource: DataSource
  veramo: VeramoAgent
  identity: IIdentifier
  codec: DidcommCodec
}

/** Opens an agent with a fresh database file in `dir` and its identity. */
export async function openAgent(
  dir: string,
  name: string,
  identity: Partial<EnsureIdentityOptions> = {},
  resolvers: ResolverRegistry = {},
): Promise<TestAgent> {
  const dbPath = join(dir, `${name}.sqlite`)
  const secretKey = randomBytes(32).toString('hex')
  const dataSource = await openDataSource({ type: 'sqlite', path: dbPath, busyTimeoutMs: 5000 })
  const veramo = createVeramoAgent({ dataSource, secretKey, resolvers })
  const id = await ensureIdentity(veramo, {
    method: 'peer',
    endpoints: [`https://${name}.example/didcomm`],
    alias: name,
    ...identity,
  })
  const codec = createVeramoCodec({ veramo, dataSource, secretKey })
  return { name, dbPath, secretKey, dataSource, veramo, identity: id, codec }
}

/** A plaintext message from one DID to another. */
export function message(from: string, to: string, id = `msg-${randomBytes(4).toString('hex')}`) {
  return {
    id,
    type: 'https://didcomm.org/trust-ping/2.0/ping',
    from,
    to: [to],
    body: { response_requested: false },
  }
}
