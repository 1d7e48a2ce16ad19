/**
 * `parley outbox list` and `parley outbox retry <id>`: the outbound queue, read and changed in the
 * database directly (a running agent's delivery loop picks a retried row up on its next pass).
 */
import type { Command } from 'commander'

import { StorageNotFoundError } from '../../errors.js'
import { listEntries, requeueEntry } from '../../outbox/queue.js'
import type { OutboxStatus } from '../../../storage/outbox-entry.js'
import { openDataSource } from '../../../storage/datasource.js'
import { loadFromCommand, printJson } from '../context.js'

/** Registers `parley outbox`. */
export function register(program: Command): void {
  const outbox = program.command('outbox').description('the queue of outbound messages')

  outbox
    .command('list')
    .description('list outbound messages, newest first')
    .option('--status <status>', 'pending, delivered or expired')
    .option('--limit <n>', 'how many', '50')
    .action(async (options: { status?: string; limit: string }, command: Command) => {
      const loaded = loadFromCommand(command)
      const dataSource = await openDataSource(loaded.config.storage, {
        resolvePath: loaded.fromData,
      })
      try {
        const filter = { limit: Number(options.limit) }
        const entries = await listEntries(
          dataSource,
          options.status === undefined
            ? filter
            : { ...filter, status: options.status as OutboxStatus },
        )
        printJson(entries.map(({ message: _body, ...entry }) => entry))
      } finally {
        await dataSource.destroy()
      }
    })

  outbox
    .command('retry')
    .description('queue a message again, due now, with a fresh expiry')
    .argument('<id>', 'the outbox entry id')
    .action(async (id: string, _options: unknown, command: Command) => {
      const loaded = loadFromCommand(command)
      const dataSource = await openDataSource(loaded.config.storage, {
        resolvePath: loaded.fromData,
      })
      try {
        const entry = await requeueEntry(dataSource, id, loaded.config.outbox.expireAfterSeconds)
        if (entry === undefined) throw new StorageNotFoundError(`no outbox entry ${id}`)
        const { message: _body, ...shown } = entry
        printJson(shown)
      } finally {
        await dataSource.destroy()
      }
    })
}
