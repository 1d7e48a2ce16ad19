import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { loadConfig, resolveConfig } from '../../agent/config/load.js'
import { tempDir } from '../helpers/tmp.js'

const ROOT = join(import.meta.dirname, '..', '..')

describe('loadConfig', () => {
  it('reads the commented default agent.yml to the schema defaults', () => {
    const loaded = loadConfig(join(ROOT, 'agent.yml'))

    expect(loaded.config).toEqual(resolveConfig({}).config)
    expect(loaded.dataDir).toBe(join(ROOT, 'data'))
    expect(loaded.fromData('parley.sqlite')).toBe(join(ROOT, 'data', 'parley.sqlite'))
  })

  it('refuses a wrong field with ERR_CONFIG_INVALID naming the field', () => {
    expect(() => resolveConfig({ transport: { port: 'eighty' } })).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG_INVALID',
        message: expect.stringContaining('transport.port'),
      }),
    )
  })

  it('refuses an unknown setting, naming it, so that a typo never passes silently', () => {
    expect(() => resolveConfig({ holder: { trustedIssuer: ['did:key:z6Mk'] } })).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG_INVALID',
        message: expect.stringContaining('trustedIssuer'),
      }),
    )
  })

  it('refuses a did:web identity without its domain', () => {
    expect(() => resolveConfig({ identity: { method: 'web' } })).toThrow(
      expect.objectContaining({
        code: 'ERR_CONFIG_INVALID',
        message: expect.stringContaining('identity.webDomain'),
      }),
    )
  })

  it('refuses a file that is not YAML, and one that does not exist', () => {
    const { dir, cleanup } = tempDir()
    const bad = join(dir, 'agent.yml')
    writeFileSync(bad, 'agent: [unclosed')

    expect(() => loadConfig(bad)).toThrow(expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }))
    expect(() => loadConfig(join(dir, 'missing.yml'))).toThrow(
      expect.objectContaining({ code: 'ERR_CONFIG_INVALID' }),
    )
    cleanup()
  })
})
