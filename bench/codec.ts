/**
 * Codec figures: pack and unpack ops/s of one ~1 KB message, authcrypt and anoncrypt, for
 * Parley's codec, raw didcomm-node with plain in-memory resolvers over the same DID documents and
 * secrets, and `@veramo/did-comm` between two Veramo agents of its own.
 */
import { createAgent, type IDIDManager, type IKeyManager, type IResolver } from '@veramo/core'
import { DIDComm, type IDIDComm } from '@veramo/did-comm'
import { DIDManager, MemoryDIDStore } from '@veramo/did-manager'
import { DIDResolverPlugin } from '@veramo/did-resolver'
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager'
import { KeyManagementSystem, SecretBox } from '@veramo/kms-local'
import { PrivateKeyStore } from '@veramo/data-store'
import { Resolver } from 'did-resolver'
import didcomm from 'didcomm-node'
import type { DataSource } from 'typeorm'

import { ParleyPeerDidProvider } from '../agent/did/peer-provider.js'
import { parleyDidResolvers } from '../agent/did/resolvers.js'
import { toDidcommDoc, type DidcommDidDoc } from '../agent/didcomm/did-docs.js'
import type { DidcommSecret } from '../agent/didcomm/sources.js'
import { veramoDids, veramoSecrets } from '../agent/didcomm/veramo-sources.js'
import type { VeramoAgent } from '../agent/veramo.js'
import { openAgent, type TestAgent } from '../test/agent/didcomm/agents.js'
import { tempDir } from '../test/helpers/tmp.js'
import { measureInterleaved, ratio, round, type Budget, type Operation } from './measure.js'

const { Message } = didcomm

/** The forms measured. */
export const FORMS = ['authcrypt', 'anoncrypt'] as const

/** One implementation's pack and unpack rates for one form. */
export interface CodecRates {
  pack: number
  unpack: number
}

/** The codec section of the results. */
export interface CodecResults {
  messageBytes: number
  byForm: Record<
    (typeof FORMS)[number],
    {
      parley: CodecRates
      raw: CodecRates
      veramo: CodecRates
      ratios: {
        parleyToRaw: { pack: number | null; unpack: number | null }
        parleyToVeramo: { pack: number | null; unpack: number | null }
      }
    }
  >
}

/** Size of the plaintext JSON, times included, that the bench measures. */
export const MESSAGE_BYTES = 1024

/**
 * A trust-ping from one DID to another, padded with a comment so that its JSON (with `typ` and
 * both times) is {@link MESSAGE_BYTES} long.
 */
export function benchMessage(from: string, to: string, id: string) {
  const message = {
    id,
    type: 'https://didcomm.org/trust-ping/2.0/ping',
    from,
    to: [to],
    body: { response_requested: false, comment: '' },
  }
  const times =
    ',"typ":"application/didcomm-plain+json","created_time":1700000000,"expires_time":1700003600'
  const bare = Buffer.byteLength(JSON.stringify(message)) + times.length
  message.body.comment = 'x'.repeat(Math.max(0, MESSAGE_BYTES - bare))
  return message
}

/** Measures every implementation on the same message, round-robin, and computes the ratios. */
export async function benchCodec(budget: Budget): Promise<CodecResults> {
  const tmp = tempDir('parley-bench-codec-')
  const alice = await openAgent(tmp.dir, 'alice')
  const bob = await openAgent(tmp.dir, 'bob')
  const veramo = await veramoPair()
  try {
    const raw = await rawResolvers([alice, bob].map(keyOwner))
    const parleyMessage = benchMessage(alice.identity.did, bob.identity.did, 'bench-1')
    const now = Math.floor(Date.now() / 1000)
    const rawMessage = { ...parleyMessage, created_time: now, expires_time: now + 3600 }
    const veramoMessage = benchMessage(veramo.alice.did, veramo.bob.did, 'bench-1')
    const messageBytes = Buffer.byteLength(
      JSON.stringify({ ...rawMessage, typ: 'application/didcomm-plain+json' }),
    )

    const byForm = {} as CodecResults['byForm']
    for (const form of FORMS) {
      const parleyPacked = (await alice.codec.pack(parleyMessage, { form })).packed
      const rawPacked = await rawPack(rawMessage, form, raw)
      const veramoPacked = (
        await veramo.alice.agent.packDIDCommMessage({ message: veramoMessage, packing: form })
      ).message

      const ops: Record<string, Operation> = {
        'parley.pack': () => alice.codec.pack(parleyMessage, { form }),
        'raw.pack': () => rawPack(rawMessage, form, raw),
        'veramo.pack': () =>
          veramo.alice.agent.packDIDCommMessage({ message: veramoMessage, packing: form }),
        'parley.unpack': () => bob.codec.unpack(parleyPacked),
        'raw.unpack': () => rawUnpack(rawPacked, raw),
        'veramo.unpack': () => veramo.bob.agent.unpackDIDCommMessage({ message: veramoPacked }),
      }
      const r = await measureInterleaved(ops, budget)
      const rates = (name: string): CodecRates => ({
        pack: round(r[`${name}.pack`] as number),
        unpack: round(r[`${name}.unpack`] as number),
      })
      byForm[form] = {
        parley: rates('parley'),
        raw: rates('raw'),
        veramo: rates('veramo'),
        ratios: {
          parleyToRaw: {
            pack: ratio(r['parley.pack'], r['raw.pack']),
            unpack: ratio(r['parley.unpack'], r['raw.unpack']),
          },
          parleyToVeramo: {
            pack: ratio(r['parley.pack'], r['veramo.pack']),
            unpack: ratio(r['parley.unpack'], r['veramo.unpack']),
          },
        },
      }
    }
    return { messageBytes, byForm }
  } finally {
    await alice.dataSource.destroy()
    await bob.dataSource.destroy()
    tmp.cleanup()
  }
}

/** didcomm-node's resolvers at their plainest: maps filled once, looked up per call. */
export interface RawResolvers {
  dids: { resolve(did: string): Promise<DidcommDidDoc | null> }
  secrets: {
    get_secret(kid: string): Promise<DidcommSecret | null>
    find_secrets(kids: string[]): Promise<string[]>
  }
}

/** An agent whose DID documents and private keys the raw resolvers are filled from. */
export interface KeyOwner {
  veramo: VeramoAgent
  did: string
  dataSource: DataSource
  /** The at-rest secret its kms-local private keys are encrypted with. */
  secretKey: string
}

/**
 * Plain resolvers over the converted DID documents of the given agents, all their secrets (read
 * once from their key stores), and the documents of `peers`, whose keys are not ours.
 */
export async function rawResolvers(
  owners: readonly KeyOwner[],
  peers: readonly string[] = [],
): Promise<RawResolvers> {
  const docs = new Map<string, DidcommDidDoc>()
  const secrets = new Map<string, DidcommSecret>()
  const load = async (veramo: VeramoAgent, did: string): Promise<DidcommDidDoc> => {
    const doc = await veramoDids(veramo).resolve(did)
    if (doc === null) throw new Error(`${did} did not resolve`)
    const converted = toDidcommDoc(doc)
    docs.set(converted.id, converted)
    return converted
  }

  for (const owner of owners) {
    const converted = await load(owner.veramo, owner.did)
    const store = new PrivateKeyStore(owner.dataSource, new SecretBox(owner.secretKey))
    const keys = veramoSecrets(owner.veramo, store)
    for (const method of converted.verificationMethod) {
      const secret = await keys.get(method.id)
      if (secret !== null) secrets.set(method.id, secret)
    }
  }
  for (const did of peers) await load((owners[0] as KeyOwner).veramo, did)

  return {
    dids: { resolve: async (did) => docs.get(did) ?? null },
    secrets: {
      get_secret: async (kid) => secrets.get(kid) ?? null,
      find_secrets: async (kids) => kids.filter((kid) => secrets.has(kid)),
    },
  }
}

/** Packs with didcomm-node directly, as Parley's codec does but with nothing around it. */
export async function rawPack(
  value: ReturnType<typeof benchMessage> & { created_time: number; expires_time: number },
  form: (typeof FORMS)[number],
  raw: RawResolvers,
): Promise<string> {
  const plain = new Message({ ...value, typ: 'application/didcomm-plain+json' })
  try {
    const from = form === 'authcrypt' ? value.from : null
    const options = { forward: false, protect_sender: false }
    const [packed] = await plain.pack_encrypted(
      value.to[0] as string,
      from,
      null,
      raw.dids,
      raw.secrets,
      options,
    )
    return packed
  } finally {
    plain.free()
  }
}

/** Unpacks with didcomm-node directly and reads the plaintext out of WASM memory. */
export async function rawUnpack(packed: string, raw: RawResolvers): Promise<unknown> {
  const [message] = await Message.unpack(packed, raw.dids, raw.secrets, {
    expect_decrypt_by_all_keys: false,
    unwrap_re_wrapping_forward: false,
  })
  try {
    return message.as_value()
  } finally {
    message.free()
  }
}

function keyOwner(agent: TestAgent): KeyOwner {
  return { ...agent, did: agent.identity.did }
}

type VeramoDidcommAgent = ReturnType<typeof veramoDidcommAgent>

/** An agent of `@veramo/did-comm`, keys in memory, resolving did:peer as Parley does. */
function veramoDidcommAgent() {
  return createAgent<IDIDManager & IKeyManager & IResolver & IDIDComm>({
    plugins: [
      new KeyManager({
        store: new MemoryKeyStore(),
        kms: { local: new KeyManagementSystem(new MemoryPrivateKeyStore()) },
      }),
      new DIDManager({
        store: new MemoryDIDStore(),
        defaultProvider: 'did:peer',
        providers: { 'did:peer': new ParleyPeerDidProvider({ defaultKms: 'local' }) },
      }),
      new DIDResolverPlugin({ resolver: new Resolver({ ...parleyDidResolvers() }) }),
      new DIDComm(),
    ],
  })
}

async function veramoPair() {
  const party = async () => {
    const agent = veramoDidcommAgent()
    const { did } = await agent.didManagerCreate({ provider: 'did:peer', options: {} })
    return { agent, did }
  }
  const pair: { alice: { agent: VeramoDidcommAgent; did: string }; bob: typeof pair.alice } = {
    alice: await party(),
    bob: await party(),
  }
  return pair
}
