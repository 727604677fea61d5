import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { api, basic, send } from './fake-http.js'

let server: FakeServer

beforeEach(async () => {
  server = await startFakeServer({ staticPrefix: '/mlflow' })
})

afterEach(async () => {
  await server.close()
})

describe('request capture', () => {
  it('records method, path, query, headers and size', async () => {
    await send(
      server,
      `/mlflow${api('model-versions/search')}?filter=x&order_by=a&order_by=b`,
      { headers: { authorization: basic('ci', 'secret-password') } }
    )
    expect(server.requests.entries).toEqual([
      {
        method: 'GET',
        path: '/mlflow/api/2.0/mlflow/model-versions/search',
        query: { filter: 'x', order_by: ['a', 'b'] },
        headers: expect.objectContaining({
          authorization: basic('ci', 'secret-password')
        }),
        bodySize: 0
      }
    ])
  })

  it('counts body bytes', async () => {
    await send(server, '/mlflow/api/2.0/mlflow-artifacts/artifacts/0/f', {
      method: 'PUT',
      body: Buffer.alloc(1234)
    })
    expect(server.requests.entries[0]?.bodySize).toBe(1234)
  })

  it('records requests that faults handle', async () => {
    server.faults.respond('/health', { status: 500 })
    await send(server, '/mlflow/health')
    expect(server.requests.matching({ path: 'health' })).toHaveLength(1)
  })

  it('filters by method and path', async () => {
    await send(server, `/mlflow${api('registered-models/create')}`, {
      json: { name: 'm' }
    })
    await send(server, `/mlflow${api('registered-models/get')}?name=m`)
    const creates = server.requests.matching({
      method: 'post',
      path: 'registered-models/create'
    })
    expect(creates.map(r => r.method)).toEqual(['POST'])
  })

  it('clears on reset', async () => {
    await send(server, '/mlflow/health')
    server.requests.clear()
    expect(server.requests.entries).toEqual([])
  })
})

describe('server reset', () => {
  it('clears data, faults and requests', async () => {
    await send(server, `/mlflow${api('registered-models/create')}`, {
      json: { name: 'm' }
    })
    server.faults.respond('/health', { status: 500 })
    await server.reset()
    expect(server.state.registry.findModel('m')).toBeUndefined()
    expect(server.requests.entries).toEqual([])
    expect((await send(server, '/mlflow/health')).status).toBe(200)
  })
})
