/**
 * One Parley agent, assembled from `agent.yml`: storage, Veramo, identity, codec, audit log,
 * outbox, protocol engine, inbound pipeline, the mutual-TLS server and the admin API.
 *
 * Programs that embed Parley call {@link createParleyAgent}, then `start()`; the `parley start`
 * command does exactly that and waits for SIGINT or SIGTERM.
 */
import type { IIdentifier } from '@veramo/core'
import type { DataSource } from 'typeorm'

import { adminRoutes } from './admin/all-routes.js'
import { createAdminServer, type AdminServer } from './admin/server.js'
import { createAdminToken } from './admin/token.js'
import { createAuditLog, type AuditLog } from './audit/log.js'
import type { LoadedConfig } from './config/load.js'
import { CredentialStore } from './credentials/store.js'
import { createVeramoCodec } from './didcomm/veramo-sources.js'
import type { DidcommCodec } from './didcomm/types.js'
import { EventBus } from './events/bus.js'
import { forwardToWebhooks } from './events/webhooks.js'
import { ensureIdentity, identityOptions } from './identity.js'
import { createInboundPipeline, type InboundPipeline } from './inbound/pipeline.js'
import type { InboundContext } from './inbound/types.js'
import { startOfferRules } from './issuer-rules.js'
import { createLogger, type Logger } from './logger.js'
import { pickEndpoints } from './outbox/endpoints.js'
import { createOutbox, type Outbox } from './outbox/outbox.js'
import { PolicyDecisionPoint } from './policy/decide.js'
import { GrantStore } from './policy/grants.js'
import { loadPolicies, type Policy } from './policy/policies.js'
import { createProtectedResources } from './resources/serve.js'
import { createReplayPruner, listen } from './lifecycle.js'
import { assertSecretOpensKeys, readSecret } from './secrets.js'
import { createOutboundClient, type OutboundClient } from './transport/client.js'
import { createReturnRoutes } from './transport/return-route.js'
import { createTransportServer, type TransportServer } from './transport/server.js'
import { createTlsSource, type TlsSource } from './transport/tls.js'
import { createVeramoAgent, type VeramoAgent } from './veramo.js'
import { createEngine, type Engine } from '../protocols/engine/engine.js'
import type { ProtocolHandler } from '../protocols/engine/types.js'
import { createIssueCredentialHandler } from '../protocols/issue-credential/3.0/handler.js'
import {
  createPresentProofHandler,
  type PresentProofDeps,
} from '../protocols/present-proof/3.0/handler.js'
import { openDataSource } from '../storage/datasource.js'

/** A running (or ready to run) agent and its parts, for embedding programs and tests. */
export interface ParleyAgent {
  readonly loaded: LoadedConfig
  readonly logger: Logger
  readonly dataSource: DataSource
  readonly veramo: VeramoAgent
  readonly identity: IIdentifier
  readonly codec: DidcommCodec
  readonly audit: AuditLog
  readonly events: EventBus
  readonly engine: Engine
  /** The holder's credential store. */
  readonly credentials: CredentialStore
  /** The verifier's grants, won by verified presentations. */
  readonly grants: GrantStore
  readonly outbox: Outbox
  readonly pipeline: InboundPipeline
  /** Absent when `transport.listen` is off or no TLS material is configured. */
  readonly server?: TransportServer
  /** Absent when `admin.enabled` is off. */
  readonly admin?: AdminServer
  /** Our DID. */
  readonly did: string
  /** Starts the servers and the background loops; resolves once they listen. */
  start(): Promise<void>
  /** Stops accepting, drains work in flight and closes the database. */
  stop(): Promise<void>
}

/** Options for {@link createParleyAgent}. */
export interface CreateParleyAgentOptions {
  /** Defaults to a logger built from `logging` in agent.yml. */
  logger?: Logger
}

/**
 * Builds an agent from a loaded configuration: opens (and migrates) its database, creates its
 * identity on first run, and wires every part. Nothing listens until `start()`.
 *
 * @throws SecretMissingError (`ERR_CONFIG_SECRET_MISSING`) without an at-rest secret.
 * @throws StorageUnavailableError (`ERR_STORAGE_UNAVAILABLE`) when the database cannot be opened.
 * @throws TlsMaterialError (`ERR_TLS_MATERIAL`) when configured TLS files are unusable.
 * @throws PolicyInvalidError (`ERR_POLICY_INVALID`) when a verifier policy cannot be used.
 */
export async function createParleyAgent(
  loaded: LoadedConfig,
  options: CreateParleyAgentOptions = {},
): Promise<ParleyAgent> {
  const { config } = loaded
  const logger =
    options.logger ??
    createLogger({
      level: config.logging.level,
      name: config.agent.label,
      ...(config.logging.file === undefined ? {} : { file: loaded.fromData(config.logging.file) }),
    })

  const secretKey = readSecret(loaded.fromData(config.secrets.keyFile))
  const dataSource = await openDataSource(config.storage, { resolvePath: loaded.fromData })
  const veramo = createVeramoAgent({ dataSource, secretKey })
  const identity = await ensureIdentity(veramo, identityOptions(config))
  await assertSecretOpensKeys(dataSource, secretKey, identity).catch(async (error: unknown) => {
    await dataSource.destroy()
    throw error
  })

  const codec = createVeramoCodec({
    veramo,
    dataSource,
    secretKey,
    didcomm: config.didcomm,
    maxBytes: Math.max(config.transport.http.maxBodyBytes, config.transport.ws.maxFrameBytes),
    logger,
  })
  const audit = createAuditLog({ dataSource, file: loaded.fromData(config.audit.file), logger })
  const events = new EventBus(logger)
  const routes = createReturnRoutes()
  const credentials = new CredentialStore(veramo, logger)
  const grants = new GrantStore(dataSource)
  const policies = loadPolicies(config.verifier.policies, loaded.fromConfig)
  const prover: PresentProofDeps = {
    veramo,
    store: credentials,
    holder: config.holder,
    policies,
    pdp: new PolicyDecisionPoint({ dataSource, audit, logger }),
  }

  const tls: TlsSource | undefined =
    config.transport.tls === undefined
      ? undefined
      : createTlsSource({ tls: config.transport.tls, resolve: loaded.fromConfig, logger, audit })

  // The pipeline and the outbound client refer to each other through the sink; bind late.
  // Replies that arrive on our own outbound connections are tracked, so stop() can drain them.
  let pipeline: InboundPipeline | undefined
  const receiving = new Set<Promise<void>>()
  const receive = async (envelope: string, context: InboundContext): Promise<void> => {
    if (pipeline === undefined) return
    const accepted = await pipeline.accept(envelope, context)
    await pipeline.process(accepted)
  }
  const client: OutboundClient | undefined =
    tls === undefined
      ? undefined
      : createOutboundClient({
          tls,
          logger,
          receive: (envelope, context) => {
            const work = receive(envelope, context)
            receiving.add(work)
            return work.finally(() => receiving.delete(work))
          },
        })

  const outbox = createOutbox({
    dataSource,
    codec,
    ...(client === undefined ? {} : { client }),
    routes,
    config,
    logger,
    audit,
  })

  const engine = createEngine({
    dataSource,
    outbox,
    events,
    config,
    logger,
    ourDids: () => [identity.did],
    reachable: async (did) => {
      if (pickEndpoints(await codec.services(did)).length === 0) {
        throw new TypeError(`${did} names no https or wss DIDComm endpoint Parley can use`)
      }
    },
    services: { veramo, credentials, grants },
    protocols: [
      createIssueCredentialHandler({
        veramo,
        store: credentials,
        issuer: config.issuer,
        holder: config.holder,
        grants,
      }),
      createPresentProofHandler(prover),
    ] as object[] as ProtocolHandler<string, object>[],
  })
  const offerRules = startOfferRules({
    rules: config.issuer.offerRules,
    engine,
    events,
    dataSource,
    logger,
  })

  pipeline = createInboundPipeline({ codec, dataSource, sink: engine, config, logger })

  const server =
    tls === undefined || !config.transport.listen
      ? undefined
      : createTransportServer({
          config,
          tls,
          pipeline,
          routes,
          audit,
          logger,
          resources: createProtectedResources({
            policies: config.verifier.policies,
            grants,
            audit,
            logger,
          }),
        })

  const admin = config.admin.enabled
    ? createAdminServer({
        admin: config.admin,
        token: createAdminToken(loaded.fromData(config.admin.tokenFile)),
        routes: adminRoutes(engine, {
          did: identity.did,
          credentials,
          grants,
          policies,
          prover,
          logger,
        }),
        logger,
        resolvePath: loaded.fromConfig,
      })
    : undefined

  const stopWebhooks = forwardToWebhooks(events, config.events.webhooks, { logger })

  const pruner = createReplayPruner(pipeline, config.didcomm.maxMessageAgeSeconds, logger)

  const ready: ParleyAgent = {
    loaded,
    logger,
    dataSource,
    veramo,
    identity,
    codec,
    audit,
    events,
    engine,
    credentials,
    grants,
    outbox,
    pipeline,
    ...(server === undefined ? {} : { server }),
    ...(admin === undefined ? {} : { admin }),
    did: identity.did,

    async start() {
      await listen(server, admin)
      outbox.start()
      engine.start()
      await pruner.start()
      const resumed = await ready.pipeline.resume()
      // An agent without an endpoint pings its peers so that their waiting replies find it.
      const threads = await engine.resume({ reopenRoutes: config.transport.endpoints.length === 0 })
      logger.info(
        { did: identity.did, address: server?.address(), resumed, threads },
        'agent started',
      )
    },

    async stop() {
      pruner.stop()
      engine.stop()
      await offerRules.stop()
      await admin?.stop()
      await server?.stop()
      await outbox.stop()
      await client?.close()
      await Promise.allSettled([...receiving])
      tls?.close()
      stopWebhooks()
      await dataSource.destroy()
      logger.info({ did: identity.did }, 'agent stopped')
    },
  }

  return ready
}
