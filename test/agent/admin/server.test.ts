import { join } from 'node:path'
import { chmodSync, statSync } from 'node:fs'

import { afterEach, beforeEach, describe, expect, it } from 'vitest'

import { createAdminClient } from '../../../agent/admin/client.js'
import { engineRoutes } from '../../../agent/admin/routes.js'
import { createAdminServer, type AdminServer } from '../../../agent/admin/server.js'
import { createAdminToken, readAdminToken } from '../../../agent/admin/token.js'
import { adminSchema } from '../../../agent/config/schema.js'
import { silentLogger } from '../../../agent/logger.js'
import { tempDir } from '../../helpers/tmp.js'
import { createActor, type Actor } from '../../protocols/helpers.js'

type Closable = Actor & { close(): Promise<void> }

describe('the admin token', () => {
  it('is written once, mode 0600, and read back unchanged', () => {
    const { dir, cleanup } = tempDir()
    const path = join(dir, 'data', 'admin.token')
    const token = createAdminToken(path)

    expect(token).toMatch(/^[0-9a-f]{64}$/)
    expect(statSync(path).mode & 0o777).toBe(0o600)
    expect(createAdminToken(path)).toBe(token)
    expect(readAdminToken(path)).toBe(token)
    cleanup()
  })

  it('is refused when others can read it', () => {
    const { dir, cleanup } = tempDir()
    const path = join(dir, 'data', 'admin.token')
    createAdminToken(path)
    chmodSync(path, 0o644)

    expect(() => readAdminToken(path)).toThrow(
      expect.objectContaining({ code: 'ERR_ADMIN_TOKEN_MISSING' }),
    )
    cleanup()
  })

  it('is reported missing with ERR_ADMIN_TOKEN_MISSING', () => {
    expect(() => readAdminToken('/nonexistent/admin.token')).toThrow(
      expect.objectContaining({ code: 'ERR_ADMIN_TOKEN_MISSING' }),
    )
  })
})

describe('the admin API', () => {
  let alice: Closable
  let server: AdminServer
  const token = 'a'.repeat(64)

  beforeEach(async () => {
    alice = await createActor('did:example:alice')
    server = createAdminServer({
      admin: adminSchema.parse({ port: 0 }),
      token,
      routes: engineRoutes(alice.engine),
      logger: silentLogger(),
    })
    await server.start()
  })
  afterEach(async () => {
    await server.stop()
    await alice.close()
  })

  it.each([
    ['no token', undefined],
    ['a wrong token', { authorization: `Bearer ${'b'.repeat(64)}` }],
    ['another scheme', { authorization: `Basic ${token}` }],
  ])('refuses a request with %s with 401 and nothing changes', async (_case, headers) => {
    const response = await fetch(`${server.url()}/invitations`, {
      method: 'POST',
      body: '{}',
      ...(headers === undefined ? {} : { headers }),
    })

    expect(response.status).toBe(401)
    expect(await response.json()).toEqual({
      code: 'ERR_ADMIN_UNAUTHORIZED',
      message: 'a valid bearer token is required',
    })
    expect(await alice.engine.invitations()).toEqual([])
  })

  it('serves its OpenAPI document without the token', async () => {
    const response = await fetch(`${server.url()}/openapi.json`)
    const document = (await response.json()) as { openapi: string; paths: Record<string, unknown> }

    expect(response.status).toBe(200)
    expect(document.openapi).toBe('3.1.0')
    expect(Object.keys(document.paths)).toEqual([
      '/connections',
      '/invitations',
      '/invitations/accept',
      '/pings',
      '/features',
      '/threads',
      '/threads/{thid}',
    ])
  })

  it('creates an invitation, lists it and starts a ping with the token', async () => {
    const client = createAdminClient(server.url(), token)
    const created = await client.post<{ id: string; url: string }>('/invitations', {
      goalCode: 'connect',
    })
    const listed = await client.get<{ id: string }[]>('/invitations')
    const ping = await client.post<{ state: string; thid: string }>('/pings', {
      did: 'did:example:bob',
    })

    expect(listed.map((i) => i.id)).toEqual([created.id])
    expect(ping.state).toBe('ping-sent')
    expect(
      (await client.get<{ record: { thid: string } }>(`/threads/${ping.thid}`)).record.thid,
    ).toBe(ping.thid)
  })

  it.each([
    ['a missing field', '/pings', {}, 400, 'ERR_ADMIN_BAD_REQUEST'],
    ['an unknown thread', '/threads/nope', undefined, 404, 'ERR_ADMIN_NOT_FOUND'],
    ['malformed percent-encoding', '/threads/%ff', undefined, 400, 'ERR_ADMIN_BAD_REQUEST'],
    [
      'an invalid invitation',
      '/invitations/accept',
      { url: 'https://x.test/?_oob=e30' },
      422,
      'ERR_OOB_INVITATION_INVALID',
    ],
  ])('answers %s with %s', async (_case, path, body, status, code) => {
    const client = createAdminClient(server.url(), token)
    const call = body === undefined ? client.get(path) : client.post(path, body)
    await expect(call).rejects.toMatchObject({ status, remoteCode: code })
  })
})
