/**
 * `npm run bench`: codec, pipeline, flow and memory figures of Parley on this machine, printed
 * as a table and written as JSON to `bench/results.json`. `npm run bench -- --quick` runs a
 * shorter version (fewer rounds and messages) to check that the bench works.
 *
 * Every loop is bounded by a count and a time; all traffic stays on 127.0.0.1.
 */
import 'reflect-metadata'

import { writeFileSync } from 'node:fs'
import { cpus, loadavg } from 'node:os'
import { fileURLToPath } from 'node:url'

import { benchCodec } from './codec.js'
import { createFleet, spawnAgent } from './fleet.js'
import { benchFlows, FLOW_BUDGETS, spawnFlowAgents } from './flows.js'
import { BUDGETS } from './measure.js'
import { benchHolderStore, MEMORY_BUDGETS, memoryOf } from './memory.js'
import { benchPipeline, PIPELINE_BUDGETS } from './pipeline.js'
import { formatTable, targetsOf, type BenchResults } from './report.js'

const RESULTS = fileURLToPath(new URL('./results.json', import.meta.url))

async function main(): Promise<void> {
  const mode = process.argv.includes('--quick') ? 'quick' : 'full'
  const startedAt = new Date().toISOString()
  const machine = {
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverage: loadAverage(),
  }
  progress(`bench (${mode}) on ${machine.cores} × ${machine.cpu}, load ${machine.loadAverage}`)

  progress('codec: Parley, raw didcomm-node, @veramo/did-comm')
  const codec = await benchCodec(BUDGETS[mode])

  const fleet = await createFleet()
  try {
    progress('agents: issuer, holder, verifier in their own processes')
    const issuer = await spawnAgent(fleet, 'issuer')
    const { holder, verifier } = await spawnFlowAgents(fleet, issuer)

    progress('pipeline: HTTPS and WSS into the issuer')
    const pipeline = await benchPipeline(fleet, issuer, PIPELINE_BUDGETS[mode])

    progress('flows: issue and present')
    const flows = await benchFlows({ issuer, holder, verifier }, FLOW_BUDGETS[mode])

    progress('memory: each agent, then the holder with its credential store filled')
    const afterRuns = await memoryOf([issuer, holder, verifier])
    const holderWithCredentials = await benchHolderStore(issuer, holder, MEMORY_BUDGETS[mode])

    const measured = {
      machine: { ...machine, loadAverageAtEnd: loadAverage() },
      startedAt,
      mode,
      codec,
      pipeline,
      flows,
      memory: { afterRuns, holderWithCredentials },
    } as const
    const results: BenchResults = { ...measured, targets: targetsOf(measured) }

    console.log(formatTable(results))
    writeFileSync(RESULTS, `${JSON.stringify(results, null, 2)}\n`)
    progress(`written to ${RESULTS}`)
  } finally {
    await fleet.close()
  }
}

function loadAverage(): number[] {
  return loadavg().map((load) => Math.round(load * 100) / 100)
}

function progress(text: string): void {
  console.error(`[bench] ${text}`)
}

// sqlite3's pending work does not keep the event loop alive under tsx; this does, until the end.
const keepAlive = setInterval(() => undefined, 1000)
main().then(
  () => clearInterval(keepAlive),
  (error: unknown) => {
    console.error(error)
    clearInterval(keepAlive)
    process.exitCode = 1
  },
)
