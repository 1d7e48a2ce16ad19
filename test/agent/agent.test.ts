import { createServer, type Server } from 'node:net'

import { afterEach, describe, expect, it } from 'vitest'

import { createParleyAgent } from '../../agent/agent.js'
import { resolveConfig } from '../../agent/config/load.js'
import { initializeAgent } from '../../agent/init.js'
import { silentLogger } from '../../agent/logger.js'
import { tempDir } from '../helpers/tmp.js'

describe('starting an agent', () => {
  const cleanups: (() => void | Promise<void>)[] = []
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  })

  it('refuses with ERR_AGENT_LISTEN_FAILED when its admin port is taken', async () => {
    const blocker: Server = createServer()
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve))
    cleanups.push(() => new Promise<void>((resolve) => blocker.close(() => resolve())))
    const address = blocker.address()
    if (address === null || typeof address === 'string') throw new Error('no port')

    const { dir, cleanup } = tempDir()
    cleanups.push(cleanup)
    const loaded = resolveConfig(
      { admin: { port: address.port }, logging: { level: 'silent' } },
      dir,
    )
    await initializeAgent(loaded)
    const agent = await createParleyAgent(loaded, { logger: silentLogger() })
    cleanups.push(() => agent.stop())

    await expect(agent.start()).rejects.toMatchObject({
      code: 'ERR_AGENT_LISTEN_FAILED',
      message: expect.stringContaining('EADDRINUSE'),
    })
  })
})
