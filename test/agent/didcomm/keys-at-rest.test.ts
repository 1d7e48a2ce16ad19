import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

import { PrivateKeyStore } from '@veramo/data-store'
import { SecretBox } from '@veramo/kms-local'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ensureIdentity } from '../../../agent/identity.js'
import { tempDir } from '../../helpers/tmp.js'
import { openAgent, type TestAgent } from './agents.js'

describe('keys at rest', () => {
  const tmp = tempDir()
  let agent: TestAgent

  beforeAll(async () => {
    agent = await openAgent(tmp.dir, 'alice')
    await ensureIdentity(agent.veramo, { method: 'key', endpoints: [], alias: 'alice-key' })
    await ensureIdentity(agent.veramo, {
      method: 'web',
      endpoints: ['https://alice.example/didcomm'],
      webDomain: 'alice.example',
      alias: 'alice-web',
    })
  })

  afterAll(async () => {
    await agent.dataSource.destroy()
    tmp.cleanup()
  })

  it('leaves no private key bytes in clear in the database files', async () => {
    const store = new PrivateKeyStore(agent.dataSource, new SecretBox(agent.secretKey))
    const keys = await store.listKeys()
    const files = readdirSync(tmp.dir)
      .filter((name) => name.startsWith('alice.sqlite'))
      .map((name) => readFileSync(join(tmp.dir, name)))

    expect(keys.length).toBe(5)
    for (const { privateKeyHex } of keys) {
      const raw = Buffer.from(privateKeyHex, 'hex')
      const seed = raw.subarray(0, 32)
      for (const file of files) {
        expect(file.includes(privateKeyHex)).toBe(false)
        expect(file.includes(privateKeyHex.toUpperCase())).toBe(false)
        expect(file.includes(seed)).toBe(false)
        expect(file.includes(seed.toString('base64url'))).toBe(false)
        expect(file.includes(seed.toString('base64'))).toBe(false)
      }
    }
  })
})
