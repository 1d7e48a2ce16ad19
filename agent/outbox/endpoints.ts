/** Choosing where to deliver: the recipient's DIDCommMessaging services Parley can use. */
import type { DidcommService } from '../didcomm/types.js'

/** The profile Parley speaks, as a service's `accept` lists it. */
export const DIDCOMM_V2 = 'didcomm/v2'

/**
 * The services Parley can deliver to, in the order the DID document lists them: `https:` or
 * `wss:` URIs whose `accept` is empty or includes `didcomm/v2`. Services with routing keys
 * (mediators) are left out: Parley does not wrap messages in forward envelopes.
 *
 * @see https://identity.foundation/didcomm-messaging/spec/v2.1/#service-endpoint
 */
export function pickEndpoints(services: DidcommService[]): DidcommService[] {
  return services.filter(usable)
}

/**
 * The same services, WebSocket ones first, for an agent with no endpoint of its own: a WebSocket
 * stays open, so replies that come later than the HTTP answer still reach it (return route).
 */
export function pickEndpointsForReturnRoute(services: DidcommService[]): DidcommService[] {
  const usableServices = services.filter(usable)
  const isWs = (service: DidcommService): boolean => service.uri.startsWith('wss:')
  return [...usableServices.filter(isWs), ...usableServices.filter((s) => !isWs(s))]
}

function usable(service: DidcommService): boolean {
  const scheme = service.uri.split(':', 1)[0]
  if (scheme !== 'https' && scheme !== 'wss') return false
  if (service.routingKeys.length > 0) return false
  return service.accept.length === 0 || service.accept.includes(DIDCOMM_V2)
}
