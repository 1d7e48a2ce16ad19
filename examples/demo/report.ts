/**
 * The demo's console output: one line per step as it runs, and a summary at the end. A step
 * passes only when its check returns; any throw fails it, and the steps after it do not run.
 */

/** How one step ended. */
export interface StepOutcome {
  title: string
  status: 'passed' | 'failed' | 'not run'
  /** What the step found (on success) or why it failed. */
  detail: string
  ms: number
}

/** A step's failure, with what was expected and what happened instead. */
export class StepFailedError extends Error {
  override name = 'StepFailedError'
}

/** Collects step outcomes and prints them. */
export class Report {
  readonly #outcomes: StepOutcome[] = []
  readonly #started = Date.now()
  #failed = false

  /** Whether every step run so far passed. */
  get ok(): boolean {
    return !this.#failed
  }

  /**
   * Runs one step unless an earlier one failed, and prints its outcome.
   *
   * @param run - does the work and returns a one-line description of what it found.
   * @returns whether the step passed.
   */
  async step(title: string, run: () => Promise<string>): Promise<boolean> {
    const number = String(this.#outcomes.length + 1).padStart(2)
    if (this.#failed) {
      this.#outcomes.push({ title, status: 'not run', detail: 'an earlier step failed', ms: 0 })
      return false
    }

    process.stdout.write(`[${number}] ${title} ...\n`)
    const started = Date.now()
    try {
      const detail = await run()
      const ms = Date.now() - started
      this.#outcomes.push({ title, status: 'passed', detail, ms })
      process.stdout.write(`     ok (${seconds(ms)}): ${detail}\n`)
      return true
    } catch (error) {
      const ms = Date.now() - started
      const detail = describeError(error)
      this.#failed = true
      this.#outcomes.push({ title, status: 'failed', detail, ms })
      process.stdout.write(`     FAILED (${seconds(ms)}): ${detail}\n`)
      return false
    }
  }

  /** Prints the summary table and the verdict line the end-to-end test looks for. */
  printSummary(outputDir: string): void {
    const passed = this.#outcomes.filter((outcome) => outcome.status === 'passed').length
    const total = this.#outcomes.length
    const mark = { passed: 'ok  ', failed: 'FAIL', 'not run': '--  ' } as const

    const lines = ['', 'Summary', '-------']
    for (const [index, outcome] of this.#outcomes.entries()) {
      const number = String(index + 1).padStart(2)
      lines.push(`${mark[outcome.status]} ${number}. ${outcome.title}`)
      if (outcome.status === 'failed') lines.push(`         ${outcome.detail}`)
    }
    lines.push('')
    lines.push(`Databases, configurations and logs: ${outputDir}`)
    lines.push(
      this.ok
        ? `DEMO PASSED: ${passed}/${total} steps in ${seconds(Date.now() - this.#started)}`
        : `DEMO FAILED: ${passed}/${total} steps passed in ${seconds(Date.now() - this.#started)}`,
    )
    process.stdout.write(`${lines.join('\n')}\n`)
  }
}

/**
 * Throws a {@link StepFailedError} unless `condition` holds.
 *
 * @throws StepFailedError with `message` when `condition` is false.
 */
export function expectThat(condition: boolean, message: string): asserts condition {
  if (!condition) throw new StepFailedError(message)
}

function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error)
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : ''
  return `${error.message}${cause}`
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`
}
