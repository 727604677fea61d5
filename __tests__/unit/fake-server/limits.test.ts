import { afterEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { send } from './fake-http.js'

let server: FakeServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

const UPLOAD = '/api/2.0/mlflow-artifacts/artifacts/0/model.pkl'

describe('body size limit', () => {
  it('responds nginx 413 above the limit', async () => {
    server = await startFakeServer()
    server.faults.maxBodyBytes = 4
    const reply = await send(server, UPLOAD, { method: 'PUT', body: '12345' })
    expect(reply.status).toBe(413)
    expect(reply.headers.server).toBe('nginx')
    expect(reply.headers['content-type']).toBe('text/html')
    expect(reply.text).toContain('<title>413 Request Entity Too Large</title>')
  })

  it('lets bodies at the limit through', async () => {
    server = await startFakeServer()
    server.faults.maxBodyBytes = 4
    const reply = await send(server, UPLOAD, { method: 'PUT', body: '1234' })
    expect(reply.status).toBe(200)
  })
})

describe('Content-Length requirement', () => {
  it('responds 411 to a chunked PUT', async () => {
    server = await startFakeServer()
    server.faults.requireContentLength = true
    const reply = await send(server, UPLOAD, {
      method: 'PUT',
      body: 'abc',
      chunked: true
    })
    expect(reply.status).toBe(411)
    expect(reply.text).toContain('<title>411 Length Required</title>')
  })

  it('accepts a PUT with a length', async () => {
    server = await startFakeServer()
    server.faults.requireContentLength = true
    const reply = await send(server, UPLOAD, { method: 'PUT', body: 'abc' })
    expect(reply.status).toBe(200)
  })

  it('is off by default', async () => {
    server = await startFakeServer()
    const reply = await send(server, UPLOAD, {
      method: 'PUT',
      body: 'abc',
      chunked: true
    })
    expect(reply.status).toBe(200)
  })
})

describe('rate limit', () => {
  /** Starts a fake with a 2-per-10-s limit and a clock the test moves. */
  async function limitedServer(retryAfter: 'seconds' | 'http-date') {
    let time = Date.UTC(2026, 0, 1, 12, 0, 0)
    const limited = await startFakeServer({ now: () => time })
    limited.faults.setRateLimit({ limit: 2, windowMs: 10_000, retryAfter })
    server = limited
    return {
      health: () => send(limited, '/health'),
      advance: (ms: number) => {
        time += ms
      }
    }
  }

  it('responds 429 beyond the limit', async () => {
    const fake = await limitedServer('seconds')
    const statuses = []
    for (let i = 0; i < 3; i++) {
      statuses.push((await fake.health()).status)
      fake.advance(1000)
    }
    expect(statuses).toEqual([200, 200, 429])
  })

  it('sends Retry-After in seconds', async () => {
    const fake = await limitedServer('seconds')
    await fake.health()
    await fake.health()
    fake.advance(2500)
    const reply = await fake.health()
    expect(reply.headers['retry-after']).toBe('8')
    expect(JSON.parse(reply.text)).toMatchObject({
      error_code: 'REQUEST_LIMIT_EXCEEDED'
    })
  })

  it('sends Retry-After as an HTTP-date', async () => {
    const fake = await limitedServer('http-date')
    await fake.health()
    await fake.health()
    const reply = await fake.health()
    expect(reply.headers['retry-after']).toBe('Thu, 01 Jan 2026 12:00:10 GMT')
  })

  it('opens a new window after it ends', async () => {
    const fake = await limitedServer('seconds')
    for (let i = 0; i < 3; i++) await fake.health()
    fake.advance(10_000)
    expect((await fake.health()).status).toBe(200)
  })
})
