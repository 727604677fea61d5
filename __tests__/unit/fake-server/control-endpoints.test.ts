import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { api, send, sendJson } from './fake-http.js'

let server: FakeServer

beforeEach(async () => {
  server = await startFakeServer({ staticPrefix: '/mlflow' })
})

afterEach(async () => {
  await server.close()
})

function control(method: string, path: string, json?: unknown) {
  return sendJson(server, `/__fake${path}`, {
    method,
    ...(json === undefined ? {} : { json })
  })
}

const SEARCH = `/mlflow${api('registered-models/search')}`

describe('fault control endpoints', () => {
  it('add a rule and return its id', async () => {
    const added = await control('POST', '/faults', {
      path: 'registered-models/search',
      times: 1,
      respond: { status: 429, headers: { 'Retry-After': '3' } }
    })
    expect(added).toEqual({ status: 200, body: { id: 1 } })
    const first = await send(server, SEARCH)
    expect(first.status).toBe(429)
    expect(first.headers['retry-after']).toBe('3')
    expect((await send(server, SEARCH)).status).toBe(200)
  })

  it('match a path pattern', async () => {
    await control('POST', '/faults', {
      pathPattern: 'registered-models/(search|get)$',
      respond: { status: 502, body: 'Bad Gateway' }
    })
    const reply = await send(server, SEARCH)
    expect(reply.text).toBe('Bad Gateway')
  })

  it('sequence responses', async () => {
    await control('POST', '/faults', {
      path: 'registered-models/search',
      responses: [{ status: 503 }, 'pass']
    })
    expect((await send(server, SEARCH)).status).toBe(503)
    expect((await send(server, SEARCH)).status).toBe(200)
  })

  it('commit then drop', async () => {
    await control('POST', '/faults', {
      path: 'registered-models/create',
      afterCommit: 'drop'
    })
    const create = send(server, `/mlflow${api('registered-models/create')}`, {
      json: { name: 'm' }
    })
    await expect(create).rejects.toThrow()
    expect(server.state.registry.findModel('m')).toBeDefined()
  })

  it('list and delete rules', async () => {
    await control('POST', '/faults', { path: '/health', drop: true })
    const listed = await control('GET', '/faults')
    expect(listed.body.faults).toEqual([
      expect.objectContaining({ id: 1, path: '/health', drop: true })
    ])
    await control('DELETE', '/faults/1')
    expect((await control('GET', '/faults')).body.faults).toEqual([])
  })

  it('reject a rule without a path', async () => {
    const reply = await control('POST', '/faults', { respond: { status: 500 } })
    expect(reply.status).toBe(400)
    expect(reply.body.error).toContain('"path" or "pathPattern"')
  })
})

describe('setting control endpoints', () => {
  it('set the host allow-list', async () => {
    await control('PUT', '/hosts', { allowed: ['mlflow.internal'] })
    expect((await send(server, SEARCH)).status).toBe(403)
    await control('PUT', '/hosts', { allowed: null })
    expect((await send(server, SEARCH)).status).toBe(200)
  })

  it('set body limits', async () => {
    await control('PUT', '/limits', { maxBodyBytes: 1 })
    const reply = await send(
      server,
      `/mlflow${api('registered-models/create')}`,
      {
        json: { name: 'm' }
      }
    )
    expect(reply.status).toBe(413)
  })

  it('set and clear the rate limit', async () => {
    await control('PUT', '/rate-limit', { limit: 0, windowMs: 60_000 })
    expect((await send(server, SEARCH)).status).toBe(429)
    await control('DELETE', '/rate-limit')
    expect((await send(server, SEARCH)).status).toBe(200)
  })

  it('set the version status plan', async () => {
    await control('PUT', '/version-status', {
      pendingReads: 1,
      outcome: 'READY'
    })
    await send(server, `/mlflow${api('registered-models/create')}`, {
      json: { name: 'm' }
    })
    const created = await sendJson(
      server,
      `/mlflow${api('model-versions/create')}`,
      { json: { name: 'm', source: 's3://bucket/model' } }
    )
    expect(created.body.model_version).toMatchObject({
      status: 'PENDING_REGISTRATION'
    })
  })

  it('set search quirks', async () => {
    await send(server, `/mlflow${api('registered-models/create')}`, {
      json: { name: 'm' }
    })
    await control('PUT', '/quirks', { emptyModelSearch: true })
    expect((await send(server, SEARCH)).text).toBe('{}')
  })
})

describe('request and reset control endpoints', () => {
  it('list and clear captured requests', async () => {
    await send(server, SEARCH)
    const listed = await control('GET', '/requests')
    expect(listed.body.requests).toEqual([
      expect.objectContaining({ method: 'GET', path: SEARCH })
    ])
    await control('DELETE', '/requests')
    expect((await control('GET', '/requests')).body.requests).toEqual([])
  })

  it('reset data on request', async () => {
    await send(server, `/mlflow${api('registered-models/create')}`, {
      json: { name: 'm' }
    })
    await control('POST', '/reset', { data: true })
    expect(server.state.registry.findModel('m')).toBeUndefined()
  })

  it('return 404 for unknown endpoints', async () => {
    const reply = await control('GET', '/nothing')
    expect(reply.status).toBe(404)
  })
})
