/**
 * A fixed-window rate limiter per client key (certificate fingerprint, or address without one).
 * Counters live in memory: with several instances behind a load balancer each enforces its own
 * share, which is the intent (it protects the instance, not a global quota).
 */

/** The verdict for one request. */
export interface RateDecision {
  allowed: boolean
  /** Whole seconds until the window resets, for `Retry-After`. */
  retryAfterSeconds: number
}

/** Counts requests per key in fixed windows. */
export interface RateLimiter {
  take(key: string, now?: number): RateDecision
}

/** Creates a limiter allowing `limit` requests per key per `windowSeconds`. */
export function createRateLimiter(limit: number, windowSeconds: number): RateLimiter {
  const windowMs = windowSeconds * 1000
  const windows = new Map<string, { start: number; count: number }>()

  return {
    take(key, now = Date.now()) {
      let window = windows.get(key)
      if (window === undefined || now - window.start >= windowMs) {
        if (windows.size > 10_000) prune(windows, now, windowMs)
        window = { start: now, count: 0 }
        windows.set(key, window)
      }

      window.count++
      const retryAfterSeconds = Math.max(1, Math.ceil((window.start + windowMs - now) / 1000))
      return { allowed: window.count <= limit, retryAfterSeconds }
    },
  }
}

function prune(windows: Map<string, { start: number }>, now: number, windowMs: number): void {
  for (const [key, window] of windows) if (now - window.start >= windowMs) windows.delete(key)
}
