/** The admin API of a whole agent: every area's routes, in the order the OpenAPI lists them. */
import type { Logger } from '../logger.js'
import type { CredentialStore } from '../credentials/store.js'
import type { GrantStore } from '../policy/grants.js'
import type { Policy } from '../policy/policies.js'
import type { Engine } from '../../protocols/engine/engine.js'
import type { PresentProofDeps } from '../../protocols/present-proof/3.0/handler.js'
import { accessRoutes } from './access-routes.js'
import { credentialRoutes } from './credential-routes.js'
import { proofRoutes } from './proof-routes.js'
import { engineRoutes, type AdminRoute } from './routes.js'

/** Every admin API route of an agent: the engine's, then each protocol area's. */
export function adminRoutes(
  engine: Engine,
  parts: {
    did: string
    credentials: CredentialStore
    grants: GrantStore
    policies: Policy[]
    prover: PresentProofDeps
    logger: Logger
  },
): AdminRoute[] {
  return [
    ...engineRoutes(engine),
    ...credentialRoutes({ engine, store: parts.credentials }),
    ...proofRoutes({
      engine,
      ourDid: parts.did,
      policies: parts.policies,
      prover: parts.prover,
      logger: parts.logger,
    }),
    ...accessRoutes({ grants: parts.grants, policies: parts.policies }),
  ]
}
