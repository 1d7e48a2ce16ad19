/**
 * The bench's output: one table on stdout, and the same figures as JSON.
 */
import type { CodecResults } from './codec.js'
import type { FlowResults } from './flows.js'
import type { MemoryResults } from './memory.js'
import type { PipelineResults } from './pipeline.js'

/** Everything one run measured, as written to `bench/results.json`. */
export interface BenchResults {
  machine: {
    cpu: string
    cores: number
    node: string
    platform: string
    /** 1, 5 and 15 minute load averages when the run started and when it ended. */
    loadAverage: number[]
    loadAverageAtEnd: number[]
  }
  startedAt: string
  mode: 'full' | 'quick'
  codec: CodecResults
  pipeline: PipelineResults
  flows: FlowResults
  memory: MemoryResults
  targets: {
    pipelineAtLeast80PercentOfRawUnpack: boolean | null
    atLeast30FlowsPerSecond: boolean | null
    packingAtLeast5xVeramo: boolean | null
  }
}

/** Whether each of the targets is met by these figures (null when not measured). */
export function targetsOf(results: Omit<BenchResults, 'targets'>): BenchResults['targets'] {
  const { https, wss } = results.pipeline.ratioToRawUnpack
  const pack = results.codec.byForm.authcrypt.ratios.parleyToVeramo.pack
  return {
    pipelineAtLeast80PercentOfRawUnpack:
      https === null || wss === null ? null : Math.min(https, wss) >= 0.8,
    atLeast30FlowsPerSecond: results.flows.flowsPerSecond >= 30,
    packingAtLeast5xVeramo: pack === null ? null : pack >= 5,
  }
}

/** Renders the results as a plain-text table. */
export function formatTable(results: BenchResults): string {
  const rows: string[][] = [['measure', 'figure', 'compared']]
  const { codec, pipeline, flows, memory } = results

  for (const [form, r] of Object.entries(codec.byForm)) {
    for (const op of ['pack', 'unpack'] as const) {
      rows.push([
        `codec ${form} ${op} (ops/s)`,
        `parley ${r.parley[op]} · raw ${r.raw[op]} · veramo ${r.veramo[op]}`,
        `parley/raw ${r.ratios.parleyToRaw[op]} · parley/veramo ${r.ratios.parleyToVeramo[op]}`,
      ])
    }
  }

  for (const transport of ['https', 'wss'] as const) {
    rows.push([
      `pipeline ${transport} (msg/s, ${pipeline.concurrency} in flight)`,
      `${pipeline[transport].messagesPerSecond}`,
      `raw unpack ${pipeline.rawUnpackPerSecond}/s · ratio ${pipeline.ratioToRawUnpack[transport]}`,
    ])
  }

  const stages = pipeline.stagesMs
  rows.push([
    'pipeline stages, one at a time (ms)',
    `unpack ${stages.unpackMs} · accept ${stages.acceptMs} · process ${stages.processMs}`,
    'accept = unpack + checks + guard + commit; process = engine dispatch + commit',
  ])

  const failed = Object.values(flows.failed).reduce((sum, n) => sum + n, 0)
  rows.push([
    'flows issue+present (flows/s)',
    `${flows.flowsPerSecond}`,
    `${flows.flows} done, ${failed} failed, ${flows.concurrency} at once · ` +
      `one flow p50 ${flows.latencyMs.p50} ms, p99 ${flows.latencyMs.p99} ms · ` +
      `by half ${flows.flowsPerSecondByHalf.join(' then ')}`,
  ])

  for (const [name, usage] of Object.entries(memory.afterRuns)) {
    rows.push([
      `memory ${name} after the runs`,
      `${usage.rssMiB} MiB RSS`,
      `heap ${usage.heapUsedMiB} MiB`,
    ])
  }
  const store = memory.holderWithCredentials
  rows.push([
    `memory holder, ${store.stored} credentials`,
    `${store.rssMiB} MiB RSS`,
    `query ${store.query.ms} ms (${store.query.matched} matched) · stored ${store.storePerSecond}/s`,
  ])

  const t = results.targets
  const verdict = (met: boolean | null) => (met === null ? 'not measured' : met ? 'met' : 'missed')
  rows.push([
    'target: pipeline ≥ 80 % of raw unpack',
    verdict(t.pipelineAtLeast80PercentOfRawUnpack),
    '',
  ])
  rows.push(['target: ≥ 30 flows/s', verdict(t.atLeast30FlowsPerSecond), ''])
  rows.push(['target: packing ≥ 5x @veramo/did-comm', verdict(t.packingAtLeast5xVeramo), ''])

  const widths = [0, 1, 2].map((c) => Math.max(...rows.map((row) => (row[c] ?? '').length)))
  const line = (row: string[]) => row.map((cell, c) => cell.padEnd(widths[c] as number)).join(' | ')
  const rule = widths.map((w) => '-'.repeat(w)).join('-|-')
  const [head, ...body] = rows
  return [line(head as string[]), rule, ...body.map(line)].join('\n')
}
