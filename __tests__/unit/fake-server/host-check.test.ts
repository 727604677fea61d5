import { afterEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import {
  DEFAULT_ALLOWED_HOSTS,
  isAllowedHost
} from '../../../src/fake-server/faults/host-check.js'
import { api, send } from './fake-http.js'

describe('isAllowedHost with MLflow defaults', () => {
  it.each([
    ['localhost', true],
    ['localhost:5000', true],
    ['127.0.0.1:8080', true],
    ['[::1]:5000', true],
    ['0.0.0.0', true],
    ['10.2.3.4:5000', true],
    ['192.168.1.9', true],
    ['172.16.0.1:443', true],
    ['172.31.255.1', true],
    ['172.32.0.1', false],
    ['mlflow:5000', false],
    ['registry.example.com', false],
    ['localhost.example.com', false],
    ['', false]
  ])('%s is %s', (host, allowed) => {
    expect(isAllowedHost(DEFAULT_ALLOWED_HOSTS, host)).toBe(allowed)
  })
})

describe('isAllowedHost with a custom list', () => {
  it.each([
    [['mlflow.example.com'], 'mlflow.example.com', true],
    [['mlflow.example.com'], 'mlflow.example.com:443', false],
    [['*.example.com'], 'mlflow.example.com:443', false],
    [['*.example.com:*'], 'mlflow.example.com:443', true],
    [['*'], 'anything:1', true],
    [['mlflow:[0-9]*'], 'mlflow:5000', true],
    [['mlflow:[!5]*'], 'mlflow:5000', false]
  ])('%j with %s is %s', (allowed, host, expected) => {
    expect(isAllowedHost(allowed, host)).toBe(expected)
  })
})

describe('host allow-list on the server', () => {
  let server: FakeServer | undefined

  afterEach(async () => {
    await server?.close()
    server = undefined
  })

  it('rejects a host outside the list', async () => {
    server = await startFakeServer({ allowedHosts: ['mlflow.internal'] })
    const reply = await send(server, api('registered-models/search'))
    expect(reply.status).toBe(403)
    expect(reply.headers['content-type']).toBe('text/plain')
    expect(reply.text).toBe(
      'Invalid Host header - possible DNS rebinding attack detected'
    )
  })

  it('accepts a host on the list', async () => {
    server = await startFakeServer({ allowedHosts: ['mlflow.internal'] })
    const reply = await send(server, api('registered-models/search'), {
      headers: { host: 'mlflow.internal' }
    })
    expect(reply.status).toBe(200)
  })

  it('changes while running', async () => {
    server = await startFakeServer()
    server.faults.allowHosts(['only.example'])
    expect((await send(server, api('registered-models/search'))).status).toBe(
      403
    )
    server.faults.allowHosts(undefined)
    expect((await send(server, api('registered-models/search'))).status).toBe(
      200
    )
  })
})
