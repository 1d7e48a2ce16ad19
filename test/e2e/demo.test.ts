import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'

import { afterAll, describe, expect, it } from 'vitest'

import { tempDir } from '../helpers/tmp.js'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/** The demo starts five agent processes and runs every CLI step; slow machines need minutes. */
const DEMO_TIMEOUT_MS = 15 * 60 * 1000

interface DemoRun {
  code: number | null
  output: string
}

describe('npm run demo', () => {
  const temp = tempDir('parley-demo-')
  let passed = false

  // A failed run keeps its folder: the databases, configurations and logs say what went wrong.
  afterAll(() => {
    if (passed) temp.cleanup()
  })

  it(
    'runs issuance, presentation, access and both refusals to a green summary',
    async () => {
      const run = await runDemo(temp.dir)

      expect(run.output, run.output).toMatch(/^DEMO PASSED: (\d+)\/\1 steps/m)
      expect(run.output).not.toMatch(/^(FAIL|--) /m)
      expect(run.code, run.output).toBe(0)
      passed = true
    },
    DEMO_TIMEOUT_MS,
  )
})

function runDemo(outputDir: string): Promise<DemoRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'examples/demo.ts'], {
      cwd: ROOT,
      env: { ...process.env, DEMO_OUTPUT: outputDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let output = ''
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')))
    child.once('error', reject)
    child.once('close', (code) => resolve({ code, output }))
  })
}
