import { createHash } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'

import type { DIDDocument } from 'did-resolver'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

import { resolvePeer2 } from '../../../agent/did/peer2.js'
import { createCodec } from '../../../agent/didcomm/codec.js'
import { chainDids, staticDids, staticSecrets } from '../../../agent/didcomm/sources.js'
import { tempDir } from '../../helpers/tmp.js'
import { message, openAgent, type TestAgent } from './agents.js'

/** A hash of the database and its write-ahead log, to prove nothing was written. */
function databaseState(agent: TestAgent): string {
  const hash = createHash('sha256')
  for (const path of [agent.dbPath, `${agent.dbPath}-wal`]) {
    if (existsSync(path)) hash.update(readFileSync(path))
  }
  return hash.digest('hex')
}

describe('bad input to unpack', () => {
  const tmp = tempDir()
  let alice: TestAgent
  let bob: TestAgent
  let carol: TestAgent

  beforeAll(async () => {
    alice = await openAgent(tmp.dir, 'alice')
    bob = await openAgent(tmp.dir, 'bob')
    carol = await openAgent(tmp.dir, 'carol')
  })

  afterAll(async () => {
    for (const agent of [alice, bob, carol]) await agent.dataSource.destroy()
    tmp.cleanup()
  })

  async function refusal(packed: string): Promise<string> {
    const before = databaseState(bob)
    const error = await bob.codec.unpack(packed).then(
      () => undefined,
      (e: unknown) => e as { code?: string },
    )
    expect(databaseState(bob)).toBe(before)
    return error?.code ?? 'accepted'
  }

  it('refuses malformed JSON', async () => {
    expect(await refusal('{"protected": ')).toBe('ERR_DIDCOMM_MALFORMED')
  })

  it('refuses JSON that is neither JWE nor JWS nor a message', async () => {
    expect(await refusal('{"hello":"world"}')).toBe('ERR_DIDCOMM_MALFORMED')
    expect(await refusal('[1,2,3]')).toBe('ERR_DIDCOMM_MALFORMED')
    expect(await refusal('"just a string"')).toBe('ERR_DIDCOMM_MALFORMED')
  })

  it('refuses a message from a DID that does not resolve', async () => {
    const alicePeerDoc = resolvePeer2(alice.identity.did)
    const strangerDid = 'did:example:stranger'
    const stranger: DIDDocument = { ...alicePeerDoc, id: strangerDid }
    const strangerSecrets = await secretsOf(alice, strangerDid)
    const strangerCodec = createCodec({
      dids: chainDids(staticDids([stranger]), { resolve: async (did) => resolvePeer2(did) }),
      secrets: staticSecrets(strangerSecrets),
    })
    const { packed } = await strangerCodec.pack(message(strangerDid, bob.identity.did))

    expect(await refusal(packed)).toBe('ERR_DIDCOMM_DID_NOT_RESOLVED')
  })

  it('refuses a message encrypted for a DID whose keys it does not hold', async () => {
    const { packed } = await alice.codec.pack(message(alice.identity.did, carol.identity.did))
    expect(await refusal(packed)).toBe('ERR_DIDCOMM_SECRET_NOT_FOUND')
  })

  it('refuses a 10 MB input before parsing it', async () => {
    expect(await refusal(`{"ciphertext":"${'A'.repeat(10 * 1024 * 1024)}"}`)).toBe(
      'ERR_DIDCOMM_TOO_LARGE',
    )
  })

  it('keeps working after all of that', async () => {
    const sent = message(alice.identity.did, bob.identity.did)
    const { packed } = await alice.codec.pack(sent)
    const { message: received } = await bob.codec.unpack(packed)
    expect(received.id).toBe(sent.id)
  })
})

/** Alice's own secrets, relabelled as the keys of another DID (a test-only forgery). */
async function secretsOf(agent: TestAgent, did: string) {
  const { veramoSecrets } = await import('../../../agent/didcomm/veramo-sources.js')
  const { PrivateKeyStore } = await import('@veramo/data-store')
  const { SecretBox } = await import('@veramo/kms-local')
  const source = veramoSecrets(
    agent.veramo,
    new PrivateKeyStore(agent.dataSource, new SecretBox(agent.secretKey)),
  )
  const found = await Promise.all(
    ['#key-1', '#key-2'].map((fragment) => source.get(`${agent.identity.did}${fragment}`)),
  )
  return found.map((secret) => ({
    ...(secret as NonNullable<typeof secret>),
    id: `${did}${(secret as NonNullable<typeof secret>).id.slice(agent.identity.did.length)}`,
  }))
}
