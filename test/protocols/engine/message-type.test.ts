import { describe, expect, it } from 'vitest'

import { parseMessageType } from '../../../protocols/engine/message-type.js'
import { ProtocolRegistry } from '../../../protocols/engine/registry.js'
import { trustPingHandler } from '../../../protocols/trust-ping/2.0/protocol.js'

describe('parseMessageType', () => {
  it.each([
    [
      'https://didcomm.org/trust-ping/2.0/ping',
      { docUri: 'https://didcomm.org/', protocol: 'trust-ping', major: 2, minor: 0, name: 'ping' },
    ],
    [
      'https://didcomm.org/issue-credential/3.0/offer-credential',
      {
        docUri: 'https://didcomm.org/',
        protocol: 'issue-credential',
        major: 3,
        minor: 0,
        name: 'offer-credential',
      },
    ],
    [
      'https://example.com/protocols/tictactoe/1.12/move',
      {
        docUri: 'https://example.com/protocols/',
        protocol: 'tictactoe',
        major: 1,
        minor: 12,
        name: 'move',
      },
    ],
  ])('reads the parts of %s', (type, expected) => {
    const { piuri: _piuri, ...parts } = parseMessageType(type)
    expect(parts).toEqual(expected)
  })

  it.each([
    'ping',
    'https://didcomm.org/trust-ping/ping',
    'https://didcomm.org/trust-ping/2/ping',
    'trust-ping/2.0/ping',
    '',
  ])('refuses %j with ERR_ENGINE_MESSAGE_TYPE_INVALID', (type) => {
    expect(() => parseMessageType(type)).toThrow(
      expect.objectContaining({
        code: 'ERR_ENGINE_MESSAGE_TYPE_INVALID',
        problemCode: 'e.p.msg.invalid',
      }),
    )
  })
})

describe('ProtocolRegistry', () => {
  const registry = new ProtocolRegistry().register(trustPingHandler)

  it('routes a newer minor version to the handler of the same major version', () => {
    const { handler, messageType } = registry.resolve('https://didcomm.org/trust-ping/2.7/ping')
    expect(handler).toBe(trustPingHandler)
    expect(messageType.minor).toBe(7)
  })

  it.each([
    ['an unknown protocol', 'https://didcomm.org/tictactoe/1.0/move'],
    ['another major version', 'https://didcomm.org/trust-ping/3.0/ping'],
    ['an unknown message', 'https://didcomm.org/trust-ping/2.0/pong'],
    ['another doc URI', 'https://example.com/trust-ping/2.0/ping'],
  ])('refuses %s with e.p.msg.unsupported', (_case, type) => {
    expect(() => registry.resolve(type)).toThrow(
      expect.objectContaining({
        code: 'ERR_ENGINE_PROTOCOL_UNSUPPORTED',
        problemCode: 'e.p.msg.unsupported',
      }),
    )
  })

  it('refuses a second handler for the same protocol and major version', () => {
    expect(() => registry.register(trustPingHandler)).toThrow(TypeError)
  })
})
