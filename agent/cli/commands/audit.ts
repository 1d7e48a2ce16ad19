/**
 * `parley audit list` and `parley audit verify`: the append-only audit log. `verify` checks the
 * hash chain in the database and in the JSON-lines copy, and exits with status 1 when either is
 * broken.
 */
import { existsSync } from 'node:fs'

import type { Command } from 'commander'

import { createAuditLog } from '../../audit/log.js'
import { verifyAuditChain, verifyAuditFile } from '../../audit/verify.js'
import { openDataSource } from '../../../storage/datasource.js'
import { loadFromCommand, printJson } from '../context.js'

/** Registers `parley audit`. */
export function register(program: Command): void {
  const audit = program.command('audit').description('the audit log of refusals and decisions')

  audit
    .command('list')
    .description('list audit entries in order')
    .option('--kind <kind>', 'only entries of this kind, e.g. tls.handshake_refused')
    .option('--after <seq>', 'only entries after this sequence number')
    .option('--limit <n>', 'how many', '100')
    .action(async (options: { kind?: string; after?: string; limit: string }, command: Command) => {
      const loaded = loadFromCommand(command)
      const dataSource = await openDataSource(loaded.config.storage, {
        resolvePath: loaded.fromData,
      })
      try {
        const log = createAuditLog({ dataSource })
        const filter: { kind?: string; afterSeq?: number; limit: number } = {
          limit: Number(options.limit),
        }
        if (options.kind !== undefined) filter.kind = options.kind
        if (options.after !== undefined) filter.afterSeq = Number(options.after)
        printJson(await log.list(filter))
      } finally {
        await dataSource.destroy()
      }
    })

  audit
    .command('verify')
    .description('check the hash chain of the audit log (database and file)')
    .action(async (_options: unknown, command: Command) => {
      const loaded = loadFromCommand(command)
      const dataSource = await openDataSource(loaded.config.storage, {
        resolvePath: loaded.fromData,
      })
      try {
        const database = await verifyAuditChain(dataSource)
        const path = loaded.fromData(loaded.config.audit.file)
        const file = existsSync(path) ? verifyAuditFile(path) : undefined
        printJson({ database, file })
        if (!database.ok || file?.ok === false) process.exitCode = 1
      } finally {
        await dataSource.destroy()
      }
    })
}
