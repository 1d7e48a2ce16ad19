/**
 * Agents for protocol tests of issue-credential and present-proof: each a real Veramo agent
 * with a did:peer:2 identity over its own SQLite file, an engine with the credential protocols,
 * and the recording outbox of the engine tests. Messages travel by {@link deliver}.
 */
import { randomBytes } from 'node:crypto'
import { join } from 'node:path'

import type { DataSource } from 'typeorm'

import { resolveConfig } from '../../../../agent/config/load.js'
import type { AgentConfig } from '../../../../agent/config/schema.js'
import { CredentialStore } from '../../../../agent/credentials/store.js'
import { EventBus } from '../../../../agent/events/bus.js'
import { silentLogger } from '../../../../agent/logger.js'
import { createVeramoAgent, type VeramoAgent } from '../../../../agent/veramo.js'
import { createEngine, type Engine } from '../../../../protocols/engine/engine.js'
import type { ProtocolHandler } from '../../../../protocols/engine/types.js'
import { openDataSource } from '../../../../storage/datasource.js'
import { tempDir } from '../../../helpers/tmp.js'
import { RecordingOutbox, T0, received } from '../../helpers.js'

/** One agent under test. */
export interface TestAgent {
  name: string
  did: string
  veramo: VeramoAgent
  store: CredentialStore
  dataSource: DataSource
  engine: Engine
  outbox: RecordingOutbox
  events: EventBus
  config: AgentConfig
  clock: { now: number }
  /** How many of its queued messages were already delivered. */
  delivered: number
  close(): Promise<void>
}

/** What an agent's handlers are built from (typed handlers, cast once for the registry). */
export type HandlerFactory = (agent: Omit<TestAgent, 'engine' | 'close'>) => object[]

/** Creates an agent; `config` is a partial agent.yml, `handlers` its credential protocols. */
export async function createTestAgent(
  name: string,
  config: (dids: { self: string }) => Record<string, unknown>,
  handlers: HandlerFactory,
): Promise<TestAgent> {
  const { dir, cleanup } = tempDir(`parley-${name}-`)
  const dataSource = await openDataSource({
    type: 'sqlite',
    path: join(dir, `${name}.sqlite`),
    busyTimeoutMs: 5000,
  })
  const veramo = createVeramoAgent({ dataSource, secretKey: randomBytes(32).toString('hex') })
  const { did } = await veramo.didManagerCreate({ provider: 'did:peer', options: { num_algo: 2 } })
  const resolved = resolveConfig(config({ self: did })).config
  const outbox = await RecordingOutbox.create(dataSource)
  const events = new EventBus()
  const clock = { now: T0 + 150 * 24 * 3600 * 1000 }
  const base = {
    name,
    did,
    veramo,
    store: new CredentialStore(veramo),
    dataSource,
    outbox,
    events,
    config: resolved,
    clock,
    delivered: 0,
  }
  let ids = 0
  const engine = createEngine({
    dataSource,
    outbox,
    events,
    config: resolved,
    logger: silentLogger(),
    ourDids: () => [did],
    now: () => clock.now,
    newId: () => `${name}-${String(++ids).padStart(4, '0')}`,
    protocols: handlers(base) as ProtocolHandler<string, object>[],
  })

  return {
    ...base,
    engine,
    async close() {
      engine.stop()
      await dataSource.destroy()
      cleanup()
    },
  }
}

/** Delivers every message `from` queued since the last delivery to `to`, as authcrypt from `from`. */
export async function deliver(from: TestAgent, to: TestAgent): Promise<void> {
  const messages = await from.outbox.messages()
  const fresh = messages.slice(from.delivered)
  from.delivered = messages.length
  for (const message of fresh) await to.engine.handle(received(message, from.did))
}

/** The types of the messages `agent` queued, in order (the names after the last `/`). */
export async function sentNames(agent: TestAgent): Promise<string[]> {
  return (await agent.outbox.messages()).map((message) => message.type.split('/').pop() as string)
}
