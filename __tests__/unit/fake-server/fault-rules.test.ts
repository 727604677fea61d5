import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import {
  GATEWAY_TIMEOUT,
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { api, send, sendJson } from './fake-http.js'

let server: FakeServer
let slept: number[]

beforeEach(async () => {
  slept = []
  server = await startFakeServer({
    sleep: ms => {
      slept.push(ms)
      return Promise.resolve()
    }
  })
})

afterEach(async () => {
  await server.close()
})

function createModel(name: string) {
  return send(server, api('registered-models/create'), { json: { name } })
}

describe('response overrides', () => {
  it('send status, headers and raw body', async () => {
    server.faults.respond('registered-models/create', {
      status: 401,
      headers: {
        'WWW-Authenticate': 'Bearer realm="gateway"',
        'Content-Type': 'text/html',
        Server: 'nginx',
        Via: '1.1 gateway'
      },
      body: '<html><title>Sign in</title></html>'
    })
    const reply = await createModel('m')
    expect(reply.status).toBe(401)
    expect(reply.headers['www-authenticate']).toBe('Bearer realm="gateway"')
    expect(reply.headers['content-type']).toBe('text/html')
    expect(reply.headers.server).toBe('nginx')
    expect(reply.headers.via).toBe('1.1 gateway')
    expect(reply.text).toBe('<html><title>Sign in</title></html>')
  })

  it('send an object body as JSON', async () => {
    server.faults.respond('registered-models/create', {
      status: 403,
      body: { detail: 'Admin access required' }
    })
    const reply = await createModel('m')
    expect(reply.headers['content-type']).toBe('application/json')
    expect(JSON.parse(reply.text)).toEqual({ detail: 'Admin access required' })
  })

  it('carry Location and Retry-After', async () => {
    server.faults.respond('/health', {
      status: 302,
      headers: { Location: 'https://login.example/' }
    })
    server.faults.respond('registered-models/search', {
      status: 503,
      headers: { 'Retry-After': '7' }
    })
    const redirect = await send(server, '/health')
    expect(redirect.headers.location).toBe('https://login.example/')
    const busy = await send(server, api('registered-models/search'))
    expect(busy.headers['retry-after']).toBe('7')
  })

  it('match only their method', async () => {
    server.faults.respond(
      'registered-models/alias',
      { status: 500 },
      { method: 'POST' }
    )
    const reply = await send(server, api('registered-models/alias'), {
      method: 'GET'
    })
    expect(reply.status).toBe(400)
  })

  it('match a RegExp path', async () => {
    server.faults.respond(/\/model-versions\//, { status: 502 })
    const reply = await send(server, api('model-versions/search'))
    expect(reply.status).toBe(502)
  })

  it('leave other paths alone', async () => {
    server.faults.respond('model-versions/create', { status: 500 })
    const reply = await createModel('m')
    expect(reply.status).toBe(200)
  })

  it('stop when removed', async () => {
    const id = server.faults.respond('registered-models/create', {
      status: 500
    })
    server.faults.remove(id)
    expect((await createModel('m')).status).toBe(200)
  })
})

describe('sequenced responses', () => {
  it('fail N times then pass', async () => {
    server.faults.failTimes('registered-models/create', 2, { status: 503 })
    const statuses = []
    for (let i = 0; i < 3; i++) statuses.push((await createModel('m')).status)
    expect(statuses).toEqual([503, 503, 200])
  })

  it('respond in turn with pass between', async () => {
    server.faults.sequence('/health', [
      { status: 502 },
      'pass',
      { status: 504 }
    ])
    const statuses = []
    for (let i = 0; i < 4; i++)
      statuses.push((await send(server, '/health')).status)
    expect(statuses).toEqual([502, 200, 504, 200])
  })
})

describe('delays', () => {
  it('wait through the injected sleep', async () => {
    server.faults.delay('/health', 1500, { times: 1 })
    await send(server, '/health')
    await send(server, '/health')
    expect(slept).toEqual([1500])
  })
})

describe('dropped connections', () => {
  it('end the socket before handling', async () => {
    server.faults.drop('registered-models/create', { times: 1 })
    await expect(createModel('dropped')).rejects.toThrow()
    expect(server.state.registry.findModel('dropped')).toBeUndefined()
  })

  it('commit then drop without a response', async () => {
    await createModel('m')
    server.faults.dropAfterCommit('model-versions/create', { times: 1 })
    const create = send(server, api('model-versions/create'), {
      json: { name: 'm', source: 's3://bucket/model' }
    })
    await expect(create).rejects.toThrow(/socket hang up/)
    expect(server.state.registry.getVersion('m', '1').source).toBe(
      's3://bucket/model'
    )
  })

  it('commit then respond 504', async () => {
    await createModel('m')
    server.faults.respondAfterCommit('model-versions/create')
    const reply = await send(server, api('model-versions/create'), {
      json: { name: 'm', source: 's3://bucket/model' }
    })
    expect(reply.status).toBe(GATEWAY_TIMEOUT.status)
    expect(reply.headers.server).toBe('nginx')
    expect(reply.text).toContain('<title>504 Gateway Time-out</title>')
    const search = await sendJson(server, api('model-versions/search'), {
      method: 'GET'
    })
    expect(search.body.model_versions).toHaveLength(1)
  })
})
