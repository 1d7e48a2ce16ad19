import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'

import { describe, expect, it } from 'vitest'

import { ConfigInvalidError, ParleyError, isParleyError } from '../../agent/errors.js'

const ROOT = join(import.meta.dirname, '..', '..')
const SOURCE_DIRS = ['agent', 'protocols', 'storage']
const CODE_DECLARATION = /static (?:override )?readonly code(?:: string)? = '(ERR_[A-Z0-9_]+)'/g

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) return sourceFiles(path)
    return path.endsWith('.ts') ? [path] : []
  })
}

function declaredCodes(): string[] {
  const codes = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))).flatMap((file) =>
    [...readFileSync(file, 'utf8').matchAll(CODE_DECLARATION)].map((m) => m[1] as string),
  )
  return [...new Set(codes)].sort()
}

function cataloguedCodes(): string[] {
  const text = readFileSync(join(ROOT, 'docs', 'errors.md'), 'utf8')
  return [...text.matchAll(/^\| `(ERR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1] as string).sort()
}

describe('the error catalogue', () => {
  it('lists exactly the codes the source declares', () => {
    expect(cataloguedCodes()).toEqual(declaredCodes())
  })

  it('declares each code once', () => {
    const all = SOURCE_DIRS.flatMap((dir) => sourceFiles(join(ROOT, dir))).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(CODE_DECLARATION)].map((m) => m[1]),
    )
    expect(all.length).toBe(new Set(all).size)
  })
})

describe('ParleyError', () => {
  it('carries its class code, its cause and a JSON form without the stack', () => {
    const cause = new Error('disk full')
    const error = new ConfigInvalidError('bad port', { cause })

    expect(error.code).toBe('ERR_CONFIG_INVALID')
    expect(error.name).toBe('ConfigInvalidError')
    expect(error.cause).toBe(cause)
    expect(error).toBeInstanceOf(ParleyError)
    expect(isParleyError(error)).toBe(true)
    expect(JSON.parse(JSON.stringify(error))).toEqual({
      code: 'ERR_CONFIG_INVALID',
      message: 'bad port',
    })
  })
})
