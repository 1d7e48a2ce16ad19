import { describe, expect, it } from 'vitest'

import { EventBus } from '../../../agent/events/bus.js'
import { forwardToWebhooks } from '../../../agent/events/webhooks.js'
import { silentLogger } from '../../../agent/logger.js'

const payload = {
  messageId: 'm-1',
  type: 'https://didcomm.org/trust-ping/2.0/ping',
  thid: 'm-1',
  peerDid: 'did:example:bob',
}

describe('EventBus', () => {
  it('delivers typed events to their listeners, then to every-event listeners', () => {
    const bus = new EventBus(silentLogger())
    const seen: string[] = []
    bus.on('message.received', (p) => seen.push(`one:${p.messageId}`))
    bus.onAny((name) => seen.push(`any:${name}`))

    bus.emit('message.received', payload)
    expect(seen).toEqual(['one:m-1', 'any:message.received'])
  })

  it('keeps calling listeners after one throws, and stops after unsubscribing', () => {
    const bus = new EventBus(silentLogger())
    const seen: string[] = []
    bus.on('message.received', () => {
      throw new Error('listener bug')
    })
    const off = bus.on('message.received', () => seen.push('second'))

    bus.emit('message.received', payload)
    off()
    bus.emit('message.received', payload)
    expect(seen).toEqual(['second'])
  })

  it('resolves waitFor with the first payload that matches', async () => {
    const bus = new EventBus()
    const waiting = bus.waitFor('message.received', (p) => p.messageId === 'm-2')
    bus.emit('message.received', payload)
    bus.emit('message.received', { ...payload, messageId: 'm-2' })
    expect((await waiting).messageId).toBe('m-2')
  })
})

describe('forwardToWebhooks', () => {
  it('POSTs each event as JSON with the bearer token to every webhook', async () => {
    const bus = new EventBus()
    const calls: { url: string; init: RequestInit }[] = []
    const fakeFetch = (async (url: string, init: RequestInit) => {
      calls.push({ url, init })
      return new Response(null, { status: 204 })
    }) as typeof fetch
    forwardToWebhooks(
      bus,
      [
        { url: 'https://controller.test/hook', token: 'secret-token' },
        { url: 'https://other.test/h' },
      ],
      { logger: silentLogger(), fetch: fakeFetch },
    )

    bus.emit('message.received', payload)
    await new Promise((resolve) => setImmediate(resolve))

    expect(calls.map((c) => c.url)).toEqual([
      'https://controller.test/hook',
      'https://other.test/h',
    ])
    expect(calls[0]?.init.headers).toEqual({
      'content-type': 'application/json',
      authorization: 'Bearer secret-token',
    })
    const body = JSON.parse(String(calls[0]?.init.body)) as { event: string; payload: unknown }
    expect(body.event).toBe('message.received')
    expect(body.payload).toEqual(payload)
  })

  it('subscribes to nothing without webhooks', () => {
    const bus = new EventBus()
    const stop = forwardToWebhooks(bus, [], { logger: silentLogger() })
    expect(() => bus.emit('message.received', payload)).not.toThrow()
    stop()
  })
})
