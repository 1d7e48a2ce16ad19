/**
 * `parley start`: runs the agent's servers from agent.yml until SIGINT or SIGTERM, then stops
 * accepting, drains work in flight and closes the database.
 */
import type { Command } from 'commander'

import { createParleyAgent } from '../../agent.js'
import { loadFromCommand } from '../context.js'

/** Registers `parley start`. */
export function register(program: Command): void {
  program
    .command('start')
    .description('run the agent until SIGINT or SIGTERM')
    .action(async (_options: unknown, command: Command) => {
      const agent = await createParleyAgent(loadFromCommand(command))
      await agent.start()

      const address = agent.server?.address()
      process.stdout.write(
        `${JSON.stringify({ event: 'started', did: agent.did, port: address?.port ?? null })}\n`,
      )

      await new Promise<void>((resolve) => {
        process.once('SIGINT', () => resolve())
        process.once('SIGTERM', () => resolve())
      })
      await agent.stop()
    })
}
