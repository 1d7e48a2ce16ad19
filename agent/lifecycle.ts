/**
 * What an agent does when it starts and while it runs, beside serving: bringing its servers up
 * together, and pruning the replay cache.
 */
import type { AdminServer } from './admin/server.js'
import { ListenFailedError } from './errors.js'
import type { InboundPipeline } from './inbound/pipeline.js'
import type { Logger } from './logger.js'
import type { TransportServer } from './transport/server.js'

/**
 * Starts the servers, or none of them: when one cannot listen (its port is taken), the ones
 * already listening are stopped again.
 *
 * @throws ListenFailedError (`ERR_AGENT_LISTEN_FAILED`) naming the server and the reason.
 */
export async function listen(server?: TransportServer, admin?: AdminServer): Promise<void> {
  try {
    await server?.start()
  } catch (cause) {
    throw new ListenFailedError(`the mutual-TLS server cannot listen: ${reasonOf(cause)}`, {
      cause,
    })
  }

  try {
    await admin?.start()
  } catch (cause) {
    await server?.stop()
    throw new ListenFailedError(`the admin API cannot listen: ${reasonOf(cause)}`, { cause })
  }
}

/** Prunes the replay cache at start and then periodically; see {@link createReplayPruner}. */
export interface ReplayPruner {
  /** Prunes once now, then every quarter of the age window (at least every ten minutes). */
  start(): Promise<void>
  stop(): void
}

/**
 * Replay-cache rows older than the accepted age window can go: messages that old are refused
 * by the guard anyway. A failed pass is logged and tried again at the next one.
 */
export function createReplayPruner(
  pipeline: InboundPipeline,
  maxMessageAgeSeconds: number,
  logger: Logger,
): ReplayPruner {
  const everyMs = Math.min(maxMessageAgeSeconds * 250, 10 * 60 * 1000)
  let timer: NodeJS.Timeout | undefined

  const prune = (): Promise<void> =>
    pipeline.prune().then(
      (pruned) => void (pruned > 0 && logger.debug({ pruned }, 'replay cache pruned')),
      (error: unknown) => logger.error({ err: error }, 'replay cache pruning failed'),
    )

  return {
    async start() {
      await prune()
      timer = setInterval(() => void prune(), everyMs)
      timer.unref()
    },
    stop() {
      clearInterval(timer)
    },
  }
}

function reasonOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
