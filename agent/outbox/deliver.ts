/** One delivery attempt of one outbox row: pack, then a live return route or an endpoint. */
import { isParleyError } from '../errors.js'
import type { DidcommCodec, PackForm, PackResult, PlaintextMessage } from '../didcomm/types.js'
import type { DidcommService } from '../didcomm/types.js'
import type { OutboundClient } from '../transport/client.js'
import { TransportNoEndpointError, TransportUndeliverableError } from '../transport/errors.js'
import type { ReturnRoutes } from '../transport/return-route.js'
import { OutboxPackFailedError } from './errors.js'
import type { OutboxEntry } from './queue.js'

/** What a delivery attempt needs. */
export interface DeliverContext {
  codec: DidcommCodec
  client?: OutboundClient
  routes?: ReturnRoutes
  pickEndpoints: (services: DidcommService[]) => DidcommService[]
}

/**
 * Packs and delivers one row; resolves with what it was delivered over (`return-route` or the
 * endpoint URI). Nothing is sent when packing fails.
 *
 * @throws OutboxPackFailedError (`ERR_OUTBOX_PACK_FAILED`)
 * @throws TransportNoEndpointError (`ERR_TRANSPORT_NO_ENDPOINT`)
 * @throws TransportUndeliverableError (`ERR_TRANSPORT_UNDELIVERABLE`) with the last endpoint's
 *   failure as the cause.
 */
export async function deliverEntry(entry: OutboxEntry, context: DeliverContext): Promise<string> {
  const message = JSON.parse(entry.message) as PlaintextMessage

  let packed: PackResult
  try {
    packed = await context.codec.pack(message, { form: entry.form as PackForm })
  } catch (cause) {
    // The codec's code and message say why (a DID that does not resolve, a missing key, ...).
    const reason = isParleyError(cause) ? `${cause.code}: ${cause.message}` : String(cause)
    throw new OutboxPackFailedError(`message ${entry.messageId} could not be packed (${reason})`, {
      cause,
    })
  }

  const route = context.routes?.get(entry.toDid)
  if (route !== undefined) {
    try {
      await route.send(packed.packed, packed.mediaType)
      return `return-route:${route.transport}`
    } catch {
      // The connection went away; fall through to the endpoints.
    }
  }

  const endpoints = context.pickEndpoints(packed.services)
  if (endpoints.length === 0 || context.client === undefined) {
    throw new TransportNoEndpointError(`${entry.toDid} has no usable endpoint and no live route`)
  }

  let lastError: unknown
  for (const endpoint of endpoints) {
    try {
      await context.client.send(endpoint.uri, packed.packed, packed.mediaType)
      return endpoint.uri
    } catch (error) {
      lastError = error
    }
  }
  throw lastError instanceof TransportUndeliverableError
    ? lastError
    : new TransportUndeliverableError(`no endpoint of ${entry.toDid} took the message`, {
        cause: lastError,
      })
}
