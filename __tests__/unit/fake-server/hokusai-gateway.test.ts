import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { api, send } from './fake-http.js'

let server: FakeServer

beforeAll(async () => {
  server = await startFakeServer({
    staticPrefix: '/mlflow',
    hokusaiGateway: {
      keys: {
        hk_test_admin: { registryAdmin: true },
        hk_test_member: { registryAdmin: false }
      }
    }
  })
})

afterAll(async () => {
  await server.close()
})

function search(headers: Record<string, string> = {}) {
  return send(server, `/mlflow${api('registered-models/search')}`, {
    headers
  })
}

describe('Hokusai gateway emulation', () => {
  it('requires an API key', async () => {
    const reply = await search()
    expect(reply.status).toBe(401)
    expect(JSON.parse(reply.text)).toEqual({ detail: 'API key required' })
  })

  it('rejects an unknown key', async () => {
    const reply = await search({ authorization: 'Bearer hk_test_unknown' })
    expect(reply.status).toBe(401)
    expect(JSON.parse(reply.text)).toEqual({
      detail: 'Invalid or expired API key'
    })
  })

  it('denies a key without registry admin', async () => {
    const reply = await search({ authorization: 'Bearer hk_test_member' })
    expect(reply.status).toBe(403)
    expect(reply.headers['content-type']).toBe('application/json')
    expect(JSON.parse(reply.text)).toEqual({
      detail: 'Admin access required for the model registry',
      error: 'REGISTRY_ADMIN_REQUIRED'
    })
  })

  it.each([
    ['authorization', 'Bearer hk_test_admin'],
    ['authorization', 'ApiKey hk_test_admin'],
    ['x-api-key', 'hk_test_admin']
  ])('passes an admin key in %s', async (name, value) => {
    const reply = await search({ [name]: value })
    expect(reply.status).toBe(200)
  })

  it('serves health without a key', async () => {
    const reply = await send(server, '/mlflow/health')
    expect(reply.status).toBe(200)
  })
})
