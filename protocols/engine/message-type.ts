/**
 * Message type URIs: `<doc-uri>/<protocol-name>/<major.minor>/<message-name>`.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#message-type-uri
 */
import { MessageTypeInvalidError } from './errors.js'

/** A parsed message type URI. */
export interface MessageType {
  /** e.g. `https://didcomm.org/` (with its trailing slash). */
  docUri: string
  /** e.g. `trust-ping`. */
  protocol: string
  major: number
  minor: number
  /** e.g. `ping`. */
  name: string
  /** The protocol identifier URI, `<doc-uri><protocol>/<major.minor>`. */
  piuri: string
}

const MTURI = /^(.*?)([a-z0-9._-]+)\/(\d+)\.(\d+)\/([a-z0-9._-]+)$/i

/**
 * Parses a message type URI.
 *
 * @throws MessageTypeInvalidError (`ERR_ENGINE_MESSAGE_TYPE_INVALID`) when it does not match.
 */
export function parseMessageType(type: string): MessageType {
  const match = MTURI.exec(type)
  if (match === null) throw new MessageTypeInvalidError(`not a message type URI: ${type}`)

  const [, docUri, protocol, major, minor, name] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
    string,
  ]
  if (docUri === '') throw new MessageTypeInvalidError(`message type without a doc URI: ${type}`)

  return {
    docUri,
    protocol,
    major: Number(major),
    minor: Number(minor),
    name,
    piuri: `${docUri}${protocol}/${major}.${minor}`,
  }
}

/** Parses a protocol identifier URI (a message type URI without the message name). */
export function parseProtocolUri(piuri: string): Omit<MessageType, 'name'> {
  const { name: _name, ...rest } = parseMessageType(`${piuri}/_`)
  return rest
}

/** The message type URI of a message of a protocol. */
export function messageTypeOf(piuri: string, name: string): string {
  return `${piuri}/${name}`
}
