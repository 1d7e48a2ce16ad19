import { join } from 'node:path'

import type { DataSource, EntityManager } from 'typeorm'

import { resolveConfig } from '../../agent/config/load.js'
import type { AgentConfig } from '../../agent/config/schema.js'
import type { PlaintextMessage } from '../../agent/didcomm/types.js'
import { EventBus } from '../../agent/events/bus.js'
import type { ReceivedMessage } from '../../agent/inbound/types.js'
import { silentLogger } from '../../agent/logger.js'
import type { OutboundMessage, OutboxWriter } from '../../agent/outbox/types.js'
import { createEngine, type Engine } from '../../protocols/engine/engine.js'
import type { ProtocolHandler } from '../../protocols/engine/types.js'
import { openDataSource } from '../../storage/datasource.js'
import { tempDir } from '../helpers/tmp.js'

/**
 * A test double of the outbox: it writes each queued message into a table of its own through the
 * caller's transaction manager, so a rollback discards it exactly as it would a real outbox row.
 */
export class RecordingOutbox implements OutboxWriter {
  kicks = 0
  failNext = false

  constructor(private readonly dataSource: DataSource) {}

  static async create(dataSource: DataSource): Promise<RecordingOutbox> {
    await dataSource.query(
      'CREATE TABLE IF NOT EXISTS test_outbox (seq INTEGER PRIMARY KEY AUTOINCREMENT, message TEXT NOT NULL)',
    )
    return new RecordingOutbox(dataSource)
  }

  async enqueue(manager: EntityManager, outbound: OutboundMessage): Promise<string> {
    if (this.failNext) {
      this.failNext = false
      throw new Error('injected failure while queueing')
    }
    await manager.query('INSERT INTO test_outbox (message) VALUES (?)', [
      JSON.stringify(outbound.message),
    ])
    return outbound.message.id
  }

  kick(): void {
    this.kicks++
  }

  /** Every queued message, oldest first. */
  async messages(): Promise<PlaintextMessage[]> {
    const rows = (await this.dataSource.query('SELECT message FROM test_outbox ORDER BY seq')) as {
      message: string
    }[]
    return rows.map((row) => JSON.parse(row.message) as PlaintextMessage)
  }
}

/** One named actor: its DID, database, engine, events and outbox. */
export interface Actor {
  did: string
  dataSource: DataSource
  engine: Engine
  events: EventBus
  outbox: RecordingOutbox
  clock: { now: number }
}

/** The fixed start of every test clock: 2026-01-01T00:00:00Z. */
export const T0 = Date.UTC(2026, 0, 1)

/** Opens a fresh database and engine for an actor. */
export async function createActor(
  did: string,
  options: { config?: Record<string, unknown>; protocols?: ProtocolHandler<string, object>[] } = {},
): Promise<Actor & { close(): Promise<void> }> {
  const { dir, cleanup } = tempDir()
  const dataSource = await openDataSource({
    type: 'sqlite',
    path: join(dir, 'test.sqlite'),
    busyTimeoutMs: 5000,
  })
  const outbox = await RecordingOutbox.create(dataSource)
  const events = new EventBus()
  const clock = { now: T0 }
  let ids = 0
  const config: AgentConfig = resolveConfig(options.config ?? {}).config
  const engine = createEngine({
    dataSource,
    outbox,
    events,
    config,
    logger: silentLogger(),
    ourDids: () => [did],
    now: () => clock.now,
    newId: () => `${did.slice(-5)}-${String(++ids).padStart(4, '0')}`,
    ...(options.protocols === undefined ? {} : { protocols: options.protocols }),
  })

  return {
    did,
    dataSource,
    engine,
    events,
    outbox,
    clock,
    async close() {
      engine.stop()
      await dataSource.destroy()
      cleanup()
    },
  }
}

/** Wraps a plaintext message as the transports would hand it over after authcrypt unpack. */
export function received(message: PlaintextMessage, sender = message.from): ReceivedMessage {
  const result: ReceivedMessage = {
    message,
    metadata: {
      mediaType: 'application/didcomm-encrypted+json',
      encrypted: true,
      authenticated: sender !== undefined,
      nonRepudiation: false,
      anonymousSender: sender === undefined,
    },
    context: { transport: 'https', remoteAddress: '127.0.0.1' },
    receivedAt: T0,
  }
  if (sender !== undefined) result.sender = sender
  return result
}

/** Delivers every message `from` queued since `seen` to `to`; returns the new count. */
export async function deliver(from: Actor, to: Actor, seen = 0): Promise<number> {
  const messages = await from.outbox.messages()
  for (const message of messages.slice(seen)) await to.engine.handle(received(message))
  return messages.length
}

/** Reads a vector file of the DIDComm v2 spec's examples. */
export async function specExamples(
  name: string,
): Promise<{ heading: string; json?: PlaintextMessage }[]> {
  const { readFile } = await import('node:fs/promises')
  const path = join(
    import.meta.dirname,
    '..',
    '..',
    '..',
    'shared',
    'vectors',
    'didcomm-v2-spec-messages',
    `${name}.json`,
  )
  const file = JSON.parse(await readFile(path, 'utf8')) as {
    examples: { heading: string; json?: PlaintextMessage }[]
  }
  return file.examples
}
