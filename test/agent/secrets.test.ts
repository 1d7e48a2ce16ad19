import { randomBytes } from 'node:crypto'
import { readFileSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { afterEach, describe, expect, it } from 'vitest'

import { createParleyAgent } from '../../agent/agent.js'
import { resolveConfig } from '../../agent/config/load.js'
import { initializeAgent } from '../../agent/init.js'
import { silentLogger } from '../../agent/logger.js'
import { SECRET_ENV } from '../../agent/secrets.js'
import { tempDir } from '../helpers/tmp.js'

describe('the at-rest secret', () => {
  const cleanups: (() => void)[] = []
  afterEach(() => {
    delete process.env[SECRET_ENV]
    cleanups.splice(0).forEach((c) => c())
  })

  function agentConfig() {
    const { dir, cleanup } = tempDir()
    cleanups.push(cleanup)
    return resolveConfig({ admin: { enabled: false }, logging: { level: 'silent' } }, dir)
  }

  it('is written with mode 0600 by init', async () => {
    const loaded = agentConfig()

    const first = await initializeAgent(loaded)
    const mode = statSync(loaded.fromData('secret.key')).mode & 0o777

    expect(first.secret).toBe('created')
    expect(mode).toBe(0o600)
  })

  it('is never made anew over a database whose key file is gone', async () => {
    const loaded = agentConfig()
    await initializeAgent(loaded)
    rmSync(loaded.fromData('secret.key'))
    const before = readFileSync(loaded.fromData('parley.sqlite'))

    await expect(initializeAgent(loaded)).rejects.toMatchObject({
      code: 'ERR_CONFIG_SECRET_MISSING',
    })
    expect(readFileSync(loaded.fromData('parley.sqlite')).equals(before)).toBe(true)
  })

  it('stops an agent whose secret does not open its keys', async () => {
    const loaded = agentConfig()
    await initializeAgent(loaded)
    process.env[SECRET_ENV] = randomBytes(32).toString('hex')

    await expect(createParleyAgent(loaded, { logger: silentLogger() })).rejects.toMatchObject({
      code: 'ERR_CONFIG_SECRET_WRONG',
    })
  })

  it('opens the keys it was created with', async () => {
    const loaded = agentConfig()
    const { did } = await initializeAgent(loaded)

    const agent = await createParleyAgent(loaded, { logger: silentLogger() })
    await agent.stop()

    expect(agent.did).toBe(did)
    expect(join(loaded.dataDir, 'secret.key')).toBe(loaded.fromData('secret.key'))
  })
})
