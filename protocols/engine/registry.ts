/**
 * The protocol registry: which handler takes which message type. A message of a newer (or older)
 * minor version of a registered protocol goes to the same handler; a different major version is
 * a different protocol.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#semver-rules-for-protocols
 */
import { ProtocolUnsupportedError } from './errors.js'
import { parseMessageType, parseProtocolUri, type MessageType } from './message-type.js'
import type { ProtocolHandler } from './types.js'

/** A message type resolved to its handler. */
export interface ResolvedMessage {
  handler: ProtocolHandler<string, object>
  messageType: MessageType
}

/** Handlers by protocol, each protocol by its doc URI, name and major version. */
export class ProtocolRegistry {
  readonly #handlers = new Map<string, ProtocolHandler<string, object>>()

  /**
   * Registers a protocol handler.
   *
   * @throws TypeError when a handler for the same protocol and major version is registered.
   */
  register<S extends string, D extends object>(handler: ProtocolHandler<S, D>): this {
    const key = majorKey(parseProtocolUri(handler.definition.piuri))
    if (this.#handlers.has(key)) throw new TypeError(`${key} is already registered`)

    this.#handlers.set(key, handler as unknown as ProtocolHandler<string, object>)
    return this
  }

  /**
   * Finds the handler of a message type.
   *
   * @throws MessageTypeInvalidError (`ERR_ENGINE_MESSAGE_TYPE_INVALID`) for a malformed URI.
   * @throws ProtocolUnsupportedError (`ERR_ENGINE_PROTOCOL_UNSUPPORTED`) for an unknown
   *   protocol, major version or message name.
   */
  resolve(type: string): ResolvedMessage {
    const messageType = parseMessageType(type)
    const handler = this.#handlers.get(majorKey(messageType))
    if (handler === undefined) {
      throw new ProtocolUnsupportedError(`unsupported protocol ${messageType.piuri}`, {
        args: [messageType.piuri],
      })
    }

    if (!handler.definition.messages.includes(messageType.name)) {
      throw new ProtocolUnsupportedError(`unsupported message ${type}`, { args: [type] })
    }

    return { handler, messageType }
  }

  /** The handler registered for a protocol identifier URI (any minor version). */
  get(piuri: string): ProtocolHandler<string, object> | undefined {
    return this.#handlers.get(majorKey(parseProtocolUri(piuri)))
  }

  /** Every registered handler, in registration order. */
  handlers(): ProtocolHandler<string, object>[] {
    return [...this.#handlers.values()]
  }
}

function majorKey(type: Pick<MessageType, 'docUri' | 'protocol' | 'major'>): string {
  return `${type.docUri}${type.protocol}/${type.major}`
}
