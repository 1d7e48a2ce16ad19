/**
 * The in-process event bus: typed, synchronous publish, listeners isolated from each other (a
 * listener that throws is logged and the rest still run).
 */
import type { Logger } from 'pino'

import type { AnyListener, ParleyEventMap, ParleyEventName, ParleyListener } from './types.js'

/** Typed publish/subscribe for one agent's events. */
export class EventBus {
  readonly #listeners = new Map<ParleyEventName, Set<(payload: never) => void>>()
  readonly #any = new Set<AnyListener>()
  readonly #logger: Logger | undefined

  constructor(logger?: Logger) {
    this.#logger = logger
  }

  /** Subscribes to one event; returns the function that unsubscribes. */
  on<K extends ParleyEventName>(name: K, listener: ParleyListener<K>): () => void {
    const set = this.#listeners.get(name) ?? new Set()
    set.add(listener as (payload: never) => void)
    this.#listeners.set(name, set)
    return () => set.delete(listener as (payload: never) => void)
  }

  /** Subscribes to every event; returns the function that unsubscribes. */
  onAny(listener: AnyListener): () => void {
    this.#any.add(listener)
    return () => this.#any.delete(listener)
  }

  /** Resolves with the first payload of an event that satisfies the predicate. */
  waitFor<K extends ParleyEventName>(
    name: K,
    predicate: (payload: ParleyEventMap[K]) => boolean = () => true,
  ): Promise<ParleyEventMap[K]> {
    return new Promise((resolve) => {
      const off = this.on(name, (payload) => {
        if (!predicate(payload)) return
        off()
        resolve(payload)
      })
    })
  }

  /** Publishes an event to its listeners, then to the listeners of every event. */
  emit<K extends ParleyEventName>(name: K, payload: ParleyEventMap[K]): void {
    for (const listener of this.#listeners.get(name) ?? []) {
      this.#call(name, () => (listener as ParleyListener<K>)(payload))
    }
    for (const listener of this.#any) this.#call(name, () => listener(name, payload))
  }

  #call(name: string, run: () => void): void {
    try {
      run()
    } catch (error) {
      this.#logger?.error({ event: name, err: error }, 'event listener failed')
    }
  }
}
