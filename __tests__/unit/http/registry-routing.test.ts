import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'

import { BearerAuth } from '../../../src/auth/bearer.js'
import { createRegistryClient } from '../../../src/http/registry-client.js'
import {
  HttpClient,
  type HttpClientOptions
} from '../../../src/http/transport.js'
import { recordingLogger } from '../fixtures/logger.js'

interface Seen {
  readonly path: string
  readonly headers: IncomingHttpHeaders
}

const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Starts a loopback server that returns `{}` and records each request. */
async function startServer(): Promise<{ url: URL; seen: Seen[] }> {
  const seen: Seen[] = []
  const server = createServer((request, response) => {
    seen.push({ path: request.url ?? '', headers: request.headers })
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end('{}')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  cleanups.push(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })
  return { url: new URL(`http://127.0.0.1:${port}/mlflow`), seen }
}

function trackingOptions(baseUrl: URL): HttpClientOptions {
  const dispatcher = new Agent()
  cleanups.push(() => dispatcher.destroy())
  return {
    baseUrl,
    auth: new BearerAuth('tracking-token', 'Authorization'),
    dispatcher,
    timeoutMs: 5000,
    log: recordingLogger(),
    userAgent: 'mlflow-register-test',
    extraHeaders: [{ name: 'X-Service-Token', value: 'proxy-secret' }],
    retry: {
      maxAttempts: 1,
      baseDelayMs: 0,
      maxDelayMs: 0,
      maxRetryAfterMs: 0,
      budgetMs: 1000,
      sleep: () => Promise.resolve(),
      now: () => 0,
      random: () => 0
    }
  }
}

function routedClient(
  options: HttpClientOptions,
  registry: HttpClient | undefined
): HttpClient {
  if (registry === undefined) throw new Error('no registry client')
  return new HttpClient({ ...options, registry })
}

function get(client: HttpClient, path: string): Promise<unknown> {
  return client.send({
    method: 'GET',
    path,
    operation: 'test request',
    idempotent: true
  })
}

describe('HttpClient with a registry server', () => {
  it('routes registry paths to the registry', async () => {
    const tracking = await startServer()
    const registry = await startServer()
    const options = trackingOptions(tracking.url)
    const routed = createRegistryClient(
      { kind: 'server', url: registry.url, sameOrigin: false },
      options,
      () => undefined
    )
    const client = routedClient(options, routed?.client)

    await get(client, 'api/2.0/mlflow/registered-models/get')
    await get(client, 'api/2.0/mlflow/model-versions/search')
    await get(client, 'api/2.0/mlflow/runs/get')

    expect(registry.seen.map(entry => entry.path)).toEqual([
      '/mlflow/api/2.0/mlflow/registered-models/get',
      '/mlflow/api/2.0/mlflow/model-versions/search'
    ])
    expect(tracking.seen.map(entry => entry.path)).toEqual([
      '/mlflow/api/2.0/mlflow/runs/get'
    ])
  })

  it('sends no tracking credentials elsewhere', async () => {
    const tracking = await startServer()
    const registry = await startServer()
    const options = trackingOptions(tracking.url)
    const routed = createRegistryClient(
      { kind: 'server', url: registry.url, sameOrigin: false },
      options,
      () => undefined
    )
    const client = routedClient(options, routed?.client)

    await get(client, 'api/2.0/mlflow/registered-models/get')

    const headers = registry.seen[0]?.headers
    expect(headers?.authorization).toBeUndefined()
    expect(headers?.['x-service-token']).toBeUndefined()
  })

  it('sends them to the same origin', async () => {
    const tracking = await startServer()
    const options = trackingOptions(tracking.url)
    const registryUrl = new URL(`${tracking.url.origin}/registry`)
    const routed = createRegistryClient(
      { kind: 'server', url: registryUrl, sameOrigin: true },
      options,
      () => undefined
    )
    const client = routedClient(options, routed?.client)

    await get(client, 'api/2.0/mlflow/model-versions/get')

    const seen = tracking.seen[0]
    expect(seen?.path).toBe('/registry/api/2.0/mlflow/model-versions/get')
    expect(seen?.headers.authorization).toBe('Bearer tracking-token')
    expect(seen?.headers['x-service-token']).toBe('proxy-secret')
  })

  it('sends the URI user info as Basic', async () => {
    const tracking = await startServer()
    const registry = await startServer()
    const options = trackingOptions(tracking.url)
    const masked: string[] = []
    const routed = createRegistryClient(
      {
        kind: 'server',
        url: registry.url,
        sameOrigin: false,
        username: 'ci',
        password: 'pw'
      },
      options,
      value => {
        masked.push(value)
      }
    )
    const client = routedClient(options, routed?.client)

    await get(client, 'api/2.0/mlflow/model-versions/get')

    const basic = Buffer.from('ci:pw').toString('base64')
    expect(registry.seen[0]?.headers.authorization).toBe(`Basic ${basic}`)
    expect(masked).toContain(basic)
  })

  it('counts the requests of both servers', async () => {
    const tracking = await startServer()
    const registry = await startServer()
    const options = trackingOptions(tracking.url)
    const routed = createRegistryClient(
      { kind: 'server', url: registry.url, sameOrigin: false },
      options,
      () => undefined
    )
    const client = routedClient(options, routed?.client)

    await get(client, 'api/2.0/mlflow/model-versions/get')
    await get(client, 'api/2.0/mlflow/runs/get')

    expect(client.requestCount).toBe(2)
  })
})

describe('HttpClient for Unity Catalog', () => {
  it('maps registry paths to unity-catalog', async () => {
    const workspace = await startServer()
    const options = trackingOptions(workspace.url)
    const unityCatalog = new HttpClient({ ...options, unityCatalog: true })
    const client = new HttpClient({ ...options, registry: unityCatalog })

    await get(client, 'api/2.0/mlflow/registered-models/get')
    await get(client, 'api/2.0/mlflow/unity-catalog/model-versions/finalize')
    await get(client, 'api/2.0/mlflow/runs/get')

    expect(workspace.seen.map(entry => entry.path)).toEqual([
      '/mlflow/api/2.0/mlflow/unity-catalog/registered-models/get',
      '/mlflow/api/2.0/mlflow/unity-catalog/model-versions/finalize',
      '/mlflow/api/2.0/mlflow/runs/get'
    ])
    expect(client.isUnityCatalog).toBe(true)
  })

  it('reports no Unity Catalog otherwise', async () => {
    const tracking = await startServer()
    const client = new HttpClient(trackingOptions(tracking.url))

    expect(client.isUnityCatalog).toBe(false)
  })
})
