import { createAgent, type IDIDManager, type IKeyManager, type IResolver } from '@veramo/core'
import { DIDComm, type IDIDComm } from '@veramo/did-comm'
import { DIDManager, MemoryDIDStore } from '@veramo/did-manager'
import { getDidKeyResolver, KeyDIDProvider } from '@veramo/did-provider-key'
import { DIDResolverPlugin } from '@veramo/did-resolver'
import { KeyManager, MemoryKeyStore, MemoryPrivateKeyStore } from '@veramo/key-manager'
import { KeyManagementSystem } from '@veramo/kms-local'
import { Resolver } from 'did-resolver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { ParleyPeerDidProvider } from '../../../agent/did/peer-provider.js'
import { parleyDidResolvers } from '../../../agent/did/resolvers.js'
import { tempDir } from '../../helpers/tmp.js'
import { message, openAgent, type TestAgent } from './agents.js'

type VeramoDidcommAgent = ReturnType<typeof veramoDidcommAgent>

/** An agent running Veramo's own DIDComm plugin, keys in memory, resolving did:peer as Parley does. */
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
        providers: {
          'did:peer': new ParleyPeerDidProvider({ defaultKms: 'local' }),
          'did:key': new KeyDIDProvider({ defaultKms: 'local' }),
        },
      }),
      new DIDResolverPlugin({
        resolver: new Resolver({ ...getDidKeyResolver(), ...parleyDidResolvers() }),
      }),
      new DIDComm(),
    ],
  })
}

describe('interoperability with @veramo/did-comm (the matrix in docs/interop.md)', () => {
  const tmp = tempDir()
  let parley: TestAgent
  let veramo: VeramoDidcommAgent
  let veramoDid: string
  let veramoKeyDid: string

  beforeAll(async () => {
    parley = await openAgent(tmp.dir, 'parley')
    veramo = veramoDidcommAgent()
    veramoDid = (await veramo.didManagerCreate({ provider: 'did:peer', options: {} })).did
    const keyOptions = { keyType: 'Ed25519' }
    veramoKeyDid = (await veramo.didManagerCreate({ provider: 'did:key', options: keyOptions })).did
  })

  afterAll(async () => {
    await parley.dataSource.destroy()
    tmp.cleanup()
  })

  async function veramoPacks(packing: 'authcrypt' | 'anoncrypt' | 'jws') {
    // Veramo signs only with keys it finds through did:key documents (JsonWebKey2020).
    const from = packing === 'jws' ? veramoKeyDid : veramoDid
    const sent = message(from, parley.identity.did)
    return (await veramo.packDIDCommMessage({ message: sent, packing })).message
  }

  async function veramoUnpacks(packed: string) {
    return veramo.unpackDIDCommMessage({ message: packed })
  }

  it('Parley anoncrypt is readable by Veramo', async () => {
    const sent = message(parley.identity.did, veramoDid)
    const { packed } = await parley.codec.pack(sent, { form: 'anoncrypt' })
    const unpacked = await veramoUnpacks(packed)

    expect(unpacked.metaData.packing).toBe('anoncrypt')
    expect(unpacked.message).toMatchObject({ id: sent.id, type: sent.type, body: sent.body })
  })

  for (const form of ['authcrypt', 'signed'] as const) {
    it(`Parley ${form} is not readable by Veramo`, async () => {
      const { packed } = await parley.codec.pack(message(parley.identity.did, veramoDid), { form })
      await expect(veramoUnpacks(packed)).rejects.toThrow()
    })
  }

  const reasons = { anoncrypt: /apu\/apv/, authcrypt: /apu\/apv/, jws: /flattened JWS/ }
  for (const packing of ['anoncrypt', 'authcrypt', 'jws'] as const) {
    it(`Veramo ${packing} is refused by Parley as incompatible`, async () => {
      const packed = await veramoPacks(packing)
      const error = await parley.codec.unpack(packed).then(
        () => undefined,
        (e: unknown) => e,
      )
      expect(error).toMatchObject({ code: 'ERR_DIDCOMM_INCOMPATIBLE' })
      expect((error as Error).message).toMatch(reasons[packing])
    })
  }
})
