/**
 * A small client of an agent's admin API (docs/admin-api.md), for what the demo reads while it
 * waits: thread states, connections, credentials and grants. Actions go through the `parley`
 * command instead, as a person would type them.
 */
import { StepFailedError } from './report.js'

/** One agent's admin API. */
export interface AdminApi {
  get<T>(path: string): Promise<T>
}

/** Options for {@link waitFor}. */
export interface WaitOptions {
  timeoutMs?: number
  intervalMs?: number
}

/** Creates a client for the admin API on 127.0.0.1:`port` with the agent's bearer token. */
export function adminApi(name: string, port: number, token: string): AdminApi {
  return {
    async get<T>(path: string): Promise<T> {
      let response: Response
      try {
        response = await fetch(`http://127.0.0.1:${port}${path}`, {
          headers: { authorization: `Bearer ${token}` },
        })
      } catch (cause) {
        throw new StepFailedError(`${name}'s admin API on port ${port} cannot be reached`, {
          cause,
        })
      }

      const body = (await response.json().catch(() => null)) as unknown
      if (!response.ok) {
        const { code, message } = (body ?? {}) as { code?: string; message?: string }
        throw new StepFailedError(
          `${name}: GET ${path} answered ${response.status} ${code ?? ''} ${message ?? ''}`.trim(),
        )
      }
      return body as T
    },
  }
}

/**
 * Polls `probe` until it returns something other than `undefined`, and returns that.
 *
 * @throws StepFailedError after `timeoutMs` (default 30 s), saying what it waited for and what
 *   `lastSeen` reported last.
 */
export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: WaitOptions & { lastSeen?: () => string } = {},
): Promise<T> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const deadline = Date.now() + timeoutMs

  for (;;) {
    const value = await probe()
    if (value !== undefined) return value

    if (Date.now() >= deadline) {
      const seen = options.lastSeen?.()
      throw new StepFailedError(
        `timed out after ${timeoutMs / 1000} s waiting ` +
          `for ${what}${seen ? `; last seen: ${seen}` : ''}`,
      )
    }
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 250))
  }
}
