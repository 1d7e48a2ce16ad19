/**
 * A sending agent in its own process, for the crash test. Reads `setup.json` from the folder given
 * as first argument; the second argument is the step:
 *
 * - `queue`: queues one message in the outbox (without delivering), prints `queued <id>`, then
 *   waits to be killed;
 * - `deliver`: runs the delivery loop, prints `idle` once nothing is pending, then waits.
 */
import 'reflect-metadata'

import { readFileSync } from 'node:fs'
import { join } from 'node:path'

import { resolveConfig } from '../../../agent/config/load.js'
import { createCodec } from '../../../agent/didcomm/codec.js'
import { staticDids, staticSecrets } from '../../../agent/didcomm/sources.js'
import { silentLogger } from '../../../agent/logger.js'
import { createOutbox } from '../../../agent/outbox/outbox.js'
import { createOutboundClient } from '../../../agent/transport/client.js'
import { createTlsSource } from '../../../agent/transport/tls.js'
import { openDataSource } from '../../../storage/datasource.js'
import type { Actor } from '../transport/fixtures.js'

interface Setup {
  alice: Actor
  bob: Actor
  tls: { cert: string; key: string; ca: string[] }
  messageId: string
}

const [dir, step] = process.argv.slice(2) as [string, string]
const setup = JSON.parse(readFileSync(join(dir, 'setup.json'), 'utf8')) as Setup
const loaded = resolveConfig(
  {
    agent: { dataDir: dir },
    storage: { type: 'sqlite', path: 'sender.sqlite' },
    outbox: { initialBackoffMs: 50, maxBackoffMs: 200, expireAfterSeconds: 3600 },
    transport: { endpoints: ['https://localhost:1/unused'], tls: { ...setup.tls, watch: false } },
  },
  dir,
)
const logger = silentLogger()
const dataSource = await openDataSource(loaded.config.storage, { resolvePath: loaded.fromData })
const codec = createCodec({
  dids: staticDids([setup.alice.doc, setup.bob.doc]),
  secrets: staticSecrets(setup.alice.secrets),
})
const tls = createTlsSource({
  tls: loaded.config.transport.tls!,
  resolve: loaded.fromConfig,
  logger,
})
const client = createOutboundClient({ tls, logger })
const outbox = createOutbox({
  dataSource,
  codec,
  client,
  config: loaded.config,
  logger,
  pollMs: 50,
})

if (step === 'queue') {
  await dataSource.transaction((manager) =>
    outbox.enqueue(manager, {
      message: {
        id: setup.messageId,
        type: 'https://didcomm.org/basicmessage/2.0/message',
        from: setup.alice.did,
        to: [setup.bob.did],
        created_time: Math.floor(Date.now() / 1000),
        body: { content: 'survives a crash' },
      },
    }),
  )
  process.stdout.write(`queued ${setup.messageId}\n`)
} else {
  outbox.start()
  while ((await outbox.list({ status: 'pending' })).length > 0) {
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  process.stdout.write('idle\n')
}

// Wait to be killed.
setInterval(() => undefined, 60_000)
