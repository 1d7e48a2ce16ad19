/**
 * The shape of `agent.yml`, as a zod schema with every default spelled out.
 *
 * Relative paths are resolved against `agent.dataDir` (which itself is resolved against the
 * folder holding `agent.yml`) by {@link loadConfig}. Secrets never live here: the key that
 * encrypts private keys at rest comes from `PARLEY_SECRET_KEY` or from `secrets.keyFile`.
 */
import { z } from 'zod'

const seconds = z.number().int().positive()
const did = z.string().startsWith('did:')

export const storageSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('sqlite'),
    /** Database file, relative to `agent.dataDir`. */
    path: z.string().default('parley.sqlite'),
    /** Milliseconds a writer waits for a lock before failing. */
    busyTimeoutMs: z.number().int().nonnegative().default(5000),
    /**
     * SQLite's `synchronous` in WAL mode. `full` (the default) syncs the log at every commit:
     * what was acknowledged survives a power loss. `normal` syncs only at checkpoints: commits
     * are several times cheaper and survive a crash of the process, but the last ones before a
     * power loss or an OS crash may be lost, messages already answered `202` among them.
     */
    synchronous: z.enum(['full', 'normal']).default('full'),
  }),
  z.strictObject({
    type: z.literal('postgres'),
    /** A `postgres://` URL. Admitted for the scale-out path; only SQLite is tested today. */
    url: z.string().url(),
  }),
])

export const tlsSchema = z.strictObject({
  /** PEM certificate chain this agent presents, as server and as client. */
  cert: z.string(),
  /** PEM private key of that certificate. */
  key: z.string(),
  /** PEM files of the CAs whose client (and server) certificates are trusted. */
  ca: z.array(z.string()).min(1),
  minVersion: z.enum(['TLSv1.2', 'TLSv1.3']).default('TLSv1.2'),
  /** Optional allowlist: a client passes if its subject or one of its SAN URIs is listed. */
  allow: z
    .strictObject({
      subjects: z.array(z.string()).default([]),
      sanUris: z.array(z.string()).default([]),
    })
    .default({ subjects: [], sanUris: [] }),
  /** Only accept DIDComm messages whose `from` is the DID named in the client certificate. */
  bindDid: z.boolean().default(true),
  /** Reload certificate, key and CA files when they change on disk (and always on SIGHUP). */
  watch: z.boolean().default(true),
})

const rateLimitSchema = z.strictObject({
  /** Requests (or frames) allowed per client per window. */
  limit: z.number().int().positive().default(300),
  windowSeconds: seconds.default(60),
})

export const transportSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8443),
  /** Public DIDComm endpoints put in this agent's DID document; empty for an agent with none. */
  endpoints: z.array(z.string().url()).default([]),
  http: z
    .strictObject({
      path: z.string().startsWith('/').default('/didcomm'),
      maxBodyBytes: z
        .number()
        .int()
        .positive()
        .default(1024 * 1024),
      rateLimit: rateLimitSchema.default({ limit: 300, windowSeconds: 60 }),
      headersTimeoutMs: z.number().int().positive().default(10_000),
      requestTimeoutMs: z.number().int().positive().default(30_000),
      keepAliveTimeoutMs: z.number().int().positive().default(5_000),
    })
    .default({
      path: '/didcomm',
      maxBodyBytes: 1024 * 1024,
      rateLimit: { limit: 300, windowSeconds: 60 },
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      keepAliveTimeoutMs: 5_000,
    }),
  ws: z
    .strictObject({
      path: z.string().startsWith('/').default('/ws'),
      maxFrameBytes: z
        .number()
        .int()
        .positive()
        .default(1024 * 1024),
      rateLimit: rateLimitSchema.default({ limit: 300, windowSeconds: 60 }),
      heartbeatSeconds: seconds.default(30),
    })
    .default({
      path: '/ws',
      maxFrameBytes: 1024 * 1024,
      rateLimit: { limit: 300, windowSeconds: 60 },
      heartbeatSeconds: 30,
    }),
  /** Connections accepted at once, all clients together. */
  maxConnections: z.number().int().positive().default(1000),
  /**
   * Run the inbound server. A holder with no endpoint of its own sets this to false: it still
   * connects out with its client certificate and takes replies on the same connection.
   */
  listen: z.boolean().default(true),
  /** Mutual TLS material, for the inbound server and outbound connections alike. */
  tls: tlsSchema.optional(),
})

export const adminSchema = z.strictObject({
  enabled: z.boolean().default(true),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8080),
  /** Bearer token file created by `parley init`, relative to `agent.dataDir`. */
  tokenFile: z.string().default('admin.token'),
  /** Serve the admin API over HTTPS with these files instead of plain HTTP on loopback. */
  tls: z.strictObject({ cert: z.string(), key: z.string() }).optional(),
})

export const didcommSchema = z.strictObject({
  /** Accept unencrypted, unsigned messages. Off by default; never turn it on in production. */
  allowPlaintext: z.boolean().default(false),
  /** How far in the future a message's `created_time` may be, for clock differences. */
  clockSkewSeconds: seconds.default(120),
  /** Messages older than this are refused; the replay cache keeps ids this long. */
  maxMessageAgeSeconds: seconds.default(3600),
  /** `expires_time` set on outbound messages, this many seconds after `created_time`. */
  messageTtlSeconds: seconds.default(3600),
})

export const outboxSchema = z.strictObject({
  initialBackoffMs: z.number().int().positive().default(500),
  maxBackoffMs: z.number().int().positive().default(60_000),
  /** An undelivered message is given up this long after it was queued. */
  expireAfterSeconds: seconds.default(24 * 3600),
})

const webhookSchema = z.strictObject({ url: z.string().url(), token: z.string().optional() })

export const configSchema = z.strictObject({
  agent: z
    .strictObject({
      label: z.string().default('Parley agent'),
      /** Folder for the database, keys, tokens and logs, relative to agent.yml. */
      dataDir: z.string().default('./data'),
    })
    .default({ label: 'Parley agent', dataDir: './data' }),
  storage: storageSchema.default({
    type: 'sqlite',
    path: 'parley.sqlite',
    busyTimeoutMs: 5000,
    synchronous: 'full',
  }),
  secrets: z
    .strictObject({
      /** Key file created by `parley init` (mode 0600), used when PARLEY_SECRET_KEY is unset. */
      keyFile: z.string().default('secret.key'),
    })
    .default({ keyFile: 'secret.key' }),
  identity: z
    .strictObject({
      method: z.enum(['peer', 'key', 'web']).default('peer'),
      /** For `web`: the host (and optional path, colon-separated) of the did:web identifier. */
      webDomain: z.string().optional(),
      alias: z.string().default('default'),
    })
    .refine((identity) => identity.method !== 'web' || identity.webDomain !== undefined, {
      message: 'identity.method web needs identity.webDomain',
      path: ['webDomain'],
    })
    .default({ method: 'peer', alias: 'default' }),
  didcomm: didcommSchema.default({
    allowPlaintext: false,
    clockSkewSeconds: 120,
    maxMessageAgeSeconds: 3600,
    messageTtlSeconds: 3600,
  }),
  transport: transportSchema.default(transportSchema.parse({})),
  outbox: outboxSchema.default({
    initialBackoffMs: 500,
    maxBackoffMs: 60_000,
    expireAfterSeconds: 24 * 3600,
  }),
  peers: z
    .strictObject({
      allow: z.array(did).default([]),
      deny: z.array(did).default([]),
    })
    .default({ allow: [], deny: [] }),
  admin: adminSchema.default(adminSchema.parse({})),
  events: z
    .strictObject({ webhooks: z.array(webhookSchema).default([]) })
    .default({ webhooks: [] }),
  audit: z
    .strictObject({
      /** JSON-lines copy of the audit log, relative to `agent.dataDir`. */
      file: z.string().default('audit.jsonl'),
    })
    .default({ file: 'audit.jsonl' }),
  logging: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** Log file relative to `agent.dataDir`; absent: standard output. */
      file: z.string().optional(),
    })
    .default({ level: 'info' }),
  protocols: z
    .strictObject({
      /** A thread waiting on its peer longer than this is abandoned with a problem report. */
      threadTimeoutSeconds: seconds.default(24 * 3600),
    })
    .default({ threadTimeoutSeconds: 24 * 3600 }),
  issuer: z
    .strictObject({
      /** Offer a credential to every peer that connects through an invitation with this goal. */
      offerRules: z
        .array(
          z.strictObject({
            goalCode: z.string(),
            type: z.string(),
            claims: z.record(z.string(), z.unknown()),
          }),
        )
        .default([]),
      /** Issue only to peers that have presented a credential satisfying this policy first. */
      requirePresentation: z.string().optional(),
      credentialTtlSeconds: seconds.default(365 * 24 * 3600),
    })
    .default({ offerRules: [], credentialTtlSeconds: 365 * 24 * 3600 }),
  holder: z
    .strictObject({
      /** Issuers whose credentials are accepted even when they are not the DIDComm sender. */
      trustedIssuers: z.array(did).default([]),
      /** Accept offers from these issuers without asking (`*` for any trusted issuer). */
      autoAcceptOffersFrom: z.array(z.string()).default([]),
      /** Answer presentation requests from these verifiers without asking. */
      autoPresentTo: z.array(z.string()).default([]),
    })
    .default({ trustedIssuers: [], autoAcceptOffersFrom: [], autoPresentTo: [] }),
  verifier: z
    .strictObject({
      /** Named access policies over verified claims; see docs/protocols/present-proof.md. */
      policies: z
        .array(
          z.strictObject({
            resource: z.string(),
            /** Path to a DIF presentation definition (JSON), relative to agent.yml. */
            definition: z.string(),
            trustedIssuers: z.array(did).min(1),
            conditions: z
              .array(
                z.strictObject({
                  /** JSONPath-like dotted path into credentialSubject, e.g. `kycLevel`. */
                  claim: z.string(),
                  op: z.enum(['eq', 'ne', 'gte', 'gt', 'lte', 'lt', 'in', 'ageAtLeast']),
                  value: z.unknown(),
                }),
              )
              .default([]),
            grantTtlSeconds: seconds.default(3600),
            /** The JSON that `GET /resources/<resource>` serves to a peer holding a grant. */
            content: z.unknown().optional(),
          }),
        )
        .default([]),
    })
    .default({ policies: [] }),
})

/** A parsed, defaulted `agent.yml`, with paths still as written. */
export type AgentConfig = z.infer<typeof configSchema>
export type StorageConfig = z.infer<typeof storageSchema>
export type TlsConfig = z.infer<typeof tlsSchema>
export type TransportConfig = z.infer<typeof transportSchema>
