/**
 * Live return routes: connections on which a peer asked (`return_route: "all"` or `"thread"`)
 * to receive its replies. A holder with no endpoint of its own is reachable only this way.
 *
 * The outbox prefers a live route over the peer's DID document endpoints, and registers itself
 * as the flusher so that a transport can ask for a peer's pending replies at once (an HTTP
 * request waiting to carry the reply in its response body).
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#routing-protocol-20
 */
import type { DidcommMediaType } from '../didcomm/types.js'

/** One connection replies can be written to. */
export interface ReturnRoute {
  transport: 'https' | 'wss'
  /** Writes one packed message; rejects when the connection is gone. */
  send(packed: string, mediaType: DidcommMediaType): Promise<void>
}

/** The registry of live return routes, shared by the transports and the outbox. */
export interface ReturnRoutes {
  /** Holds a route for a peer DID until the returned release function is called. */
  hold(did: string, route: ReturnRoute): () => void
  /** The most recently held live route for a peer DID. */
  get(did: string): ReturnRoute | undefined
  /** Asks the outbox to deliver what it holds for a peer now; resolves when it has tried. */
  flush(did: string): Promise<void>
  /** Sets the function {@link ReturnRoutes.flush} calls (the outbox does this). */
  setFlusher(flusher: (did: string) => Promise<void>): void
}

/** Creates an empty registry. */
export function createReturnRoutes(): ReturnRoutes {
  const routes = new Map<string, ReturnRoute[]>()
  let flusher: ((did: string) => Promise<void>) | undefined

  return {
    hold(did, route) {
      const held = routes.get(did) ?? []
      held.push(route)
      routes.set(did, held)

      return () => {
        const current = routes.get(did) ?? []
        const remaining = current.filter((r) => r !== route)
        if (remaining.length === 0) routes.delete(did)
        else routes.set(did, remaining)
      }
    },

    get(did) {
      return routes.get(did)?.at(-1)
    },

    async flush(did) {
      if (flusher !== undefined) await flusher(did)
    },

    setFlusher(next) {
      flusher = next
    },
  }
}
