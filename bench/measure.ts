/**
 * Timing helpers for the bench: every loop is bounded by a count and a time, figures are medians
 * of several rounds because the machine is shared and noisy.
 */
import { performance } from 'node:perf_hooks'

/** How long and how often one operation is measured. */
export interface Budget {
  /** Time spent warming up before the first round, in ms. */
  warmupMs: number
  /** Length of one round, in ms. */
  roundMs: number
  /** Rounds measured; the reported figure is their median. */
  rounds: number
  /** No round runs more operations than this, however fast they are. */
  maxOps: number
}

/** The budget of a normal run, and a short one for `npm run bench -- --quick`. */
export const BUDGETS: Record<'full' | 'quick', Budget> = {
  full: { warmupMs: 500, roundMs: 1000, rounds: 5, maxOps: 50_000 },
  quick: { warmupMs: 150, roundMs: 300, rounds: 3, maxOps: 10_000 },
}

/** One operation under measurement. */
export type Operation = () => Promise<unknown>

/**
 * Runs `op` one call at a time until `ms` have passed or `maxOps` calls were made.
 *
 * @returns operations per second over that span.
 */
export async function opsPerSecond(op: Operation, ms: number, maxOps: number): Promise<number> {
  const start = performance.now()
  const deadline = start + ms
  let count = 0
  while (count < maxOps && performance.now() < deadline) {
    await op()
    count += 1
  }
  return count / ((performance.now() - start) / 1000)
}

/**
 * Measures several operations round-robin: each round runs every operation once for
 * `budget.roundMs`, so that a noisy stretch of time hurts all of them alike.
 *
 * @returns the median ops/s of each operation, by name.
 */
export async function measureInterleaved(
  ops: Record<string, Operation>,
  budget: Budget,
): Promise<Record<string, number>> {
  const names = Object.keys(ops)
  for (const name of names) await opsPerSecond(ops[name] as Operation, budget.warmupMs, 1e9)

  const samples = new Map<string, number[]>(names.map((name) => [name, []]))
  for (let round = 0; round < budget.rounds; round += 1) {
    for (const name of names) {
      const rate = await opsPerSecond(ops[name] as Operation, budget.roundMs, budget.maxOps)
      samples.get(name)?.push(rate)
    }
  }

  return Object.fromEntries(names.map((name) => [name, median(samples.get(name) ?? [])]))
}

/** The median of a list of numbers (NaN when empty). */
export function median(values: readonly number[]): number {
  return percentile(values, 50)
}

/** The p-th percentile by nearest rank (NaN when empty). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN
  const sorted = [...values].sort((a, b) => a - b)
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number
}

/** A ratio rounded to two decimals, or null when either side is missing. */
export function ratio(a: number | undefined, b: number | undefined): number | null {
  if (a === undefined || b === undefined || !Number.isFinite(a) || !Number.isFinite(b) || b === 0)
    return null
  return Math.round((a / b) * 100) / 100
}

/** Rounds a rate for display and JSON: whole numbers, or one decimal below 100. */
export function round(value: number): number {
  return value >= 100 ? Math.round(value) : Math.round(value * 10) / 10
}
