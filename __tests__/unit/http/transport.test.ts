import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'
import { Readable } from 'node:stream'

import { afterEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'
import { z } from 'zod'

import { BasicAuth } from '../../../src/auth/basic.js'
import type { ExtraHeader } from '../../../src/config/extra-headers.js'
import { ConnectionError, HttpError } from '../../../src/http/errors.js'
import type { RetryPolicy } from '../../../src/http/retry.js'
import {
  HttpClient,
  type ApiRequest,
  type ReplayableBody
} from '../../../src/http/transport.js'
import { classifyFailure } from '../../../src/preflight/classify.js'
import { recordingLogger } from '../fixtures/logger.js'
import { rejectionOf } from '../fixtures/thrown.js'
import { singleAttempt } from '../fixtures/retry-policy.js'

const BASIC = `Basic ${Buffer.from('ci-bot:pw').toString('base64')}`

/** One request as the test server received it. */
interface Received {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
}

type Handler = (request: Received, response: ServerResponse) => void

interface TestServer {
  readonly url: string
  readonly received: Received[]
  /** Stops the server, which the cleanup after each test also does. */
  stop(): Promise<void>
}

const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Starts an HTTP server on loopback that is stopped after the test. */
async function startServer(handler: Handler): Promise<TestServer> {
  const received: Received[] = []
  const server = createServer((request: IncomingMessage, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const entry = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body: Buffer.concat(chunks).toString()
      }
      received.push(entry)
      handler(entry, response)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const stop = async (): Promise<void> => {
    if (!server.listening) return
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  }
  cleanups.push(stop)
  return { url: `http://127.0.0.1:${port}`, received, stop }
}

function reply(
  status: number,
  body = '',
  headers: Record<string, string> = {}
): Handler {
  return (_, response) => {
    response.writeHead(status, headers).end(body)
  }
}

/** Passes each request to the next handler, and the rest to the last one. */
function sequence(...handlers: Handler[]): Handler {
  let index = 0
  return (request, response) => {
    const handler = handlers[Math.min(index++, handlers.length - 1)]
    handler?.(request, response)
  }
}

const json = (body: unknown): Handler =>
  reply(200, JSON.stringify(body), { 'content-type': 'application/json' })

interface ClientSetup {
  readonly client: HttpClient
  readonly sleeps: number[]
  readonly lines: string[]
}

function createClient(
  baseUrl: string,
  options: {
    timeoutMs?: number
    retry?: Partial<RetryPolicy>
    extraHeaders?: ExtraHeader[]
  } = {}
): ClientSetup {
  const sleeps: number[] = []
  const dispatcher = new Agent()
  cleanups.push(() => dispatcher.destroy())
  const log = recordingLogger()
  const client = new HttpClient({
    baseUrl: new URL(baseUrl),
    auth: new BasicAuth('ci-bot', 'pw', () => undefined),
    dispatcher,
    timeoutMs: options.timeoutMs ?? 5000,
    log,
    userAgent: 'mlflow-register-test',
    ...(options.extraHeaders ? { extraHeaders: options.extraHeaders } : {}),
    retry: {
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      maxRetryAfterMs: 60_000,
      budgetMs: 120_000,
      sleep: ms => {
        sleeps.push(ms)
        return Promise.resolve()
      },
      random: () => 1,
      now: () => 0,
      ...options.retry
    }
  })
  return { client, sleeps, lines: log.lines }
}

const GET: ApiRequest = {
  method: 'GET',
  path: 'api/2.0/mlflow/registered-models/get',
  query: { name: 'fraud-model' },
  operation: 'get registered model',
  idempotent: true
}

const CREATE: ApiRequest = {
  method: 'POST',
  path: 'api/2.0/mlflow/model-versions/create',
  json: { name: 'fraud-model', source: 'runs:/r/model' },
  operation: 'create model version',
  idempotent: false
}

describe('HttpClient requests', () => {
  it('keeps the base path and sends the query', async () => {
    const server = await startServer(json({}))
    await createClient(`${server.url}/mlflow/`).client.send(GET)
    expect(server.received[0]?.url).toBe(
      '/mlflow/api/2.0/mlflow/registered-models/get?name=fraud-model'
    )
  })

  it('sends credentials to the tracking server', async () => {
    const server = await startServer(json({}))
    await createClient(server.url).client.send(GET)
    expect(server.received[0]?.headers.authorization).toBe(BASIC)
  })

  it('sends extra headers to the tracking server', async () => {
    const server = await startServer(
      sequence(reply(307, '', { location: '/moved' }), json({}))
    )
    const extraHeaders = [
      { name: 'CF-Access-Client-Id', value: 'id.access' },
      { name: 'CF-Access-Client-Secret', value: 'cf-secret' }
    ]
    await createClient(server.url, { extraHeaders }).client.send(GET)
    for (const received of server.received) {
      expect(received.headers['cf-access-client-id']).toBe('id.access')
      expect(received.headers['cf-access-client-secret']).toBe('cf-secret')
    }
    expect(server.received).toHaveLength(2)
  })

  it('credentials win over an extra header of the same name', async () => {
    const server = await startServer(json({}))
    const extraHeaders = [{ name: 'Authorization', value: 'Bearer other' }]
    await createClient(server.url, { extraHeaders }).client.send(GET)
    expect(server.received[0]?.headers.authorization).toBe(BASIC)
  })

  it('sends its user agent and accepts JSON', async () => {
    const server = await startServer(json({}))
    await createClient(server.url).client.send(GET)
    expect(server.received[0]?.headers['user-agent']).toBe(
      'mlflow-register-test'
    )
    expect(server.received[0]?.headers.accept).toBe('application/json')
  })

  it('sends a JSON body with its content type', async () => {
    const server = await startServer(json({}))
    await createClient(server.url).client.send(CREATE)
    expect(server.received[0]?.headers['content-type']).toBe('application/json')
    expect(JSON.parse(server.received[0]?.body ?? '')).toEqual(CREATE.json)
  })

  it('sets Content-Length on a streamed PUT body', async () => {
    const server = await startServer(reply(200))
    const body: ReplayableBody = {
      contentType: 'application/octet-stream',
      length: 11,
      open: () => Readable.from([Buffer.from('hello'), Buffer.from(' world')])
    }
    const { client } = createClient(server.url)
    await client.send({ ...GET, method: 'PUT', body, query: {} })
    const [received] = server.received
    expect(received?.headers['content-length']).toBe('11')
    expect(received?.headers['transfer-encoding']).toBeUndefined()
    expect(received?.headers['content-type']).toBe('application/octet-stream')
    expect(received?.body).toBe('hello world')
  })
})

describe('HttpClient.json', () => {
  const schema = z.object({ registered_model: z.object({ name: z.string() }) })

  it('returns the validated JSON', async () => {
    const server = await startServer(json({ registered_model: { name: 'm' } }))
    const result = await createClient(server.url).client.json(GET, schema)
    expect(result).toEqual({ registered_model: { name: 'm' } })
  })

  it('reads an empty 2xx body as an empty object', async () => {
    const server = await startServer(reply(200))
    const result = await createClient(server.url).client.json(GET, z.object({}))
    expect(result).toEqual({})
  })

  it('rejects a non-JSON 2xx body as an HttpError', async () => {
    const page = '<html><title>Sign in</title></html>'
    const server = await startServer(
      reply(200, page, { 'content-type': 'text/html' })
    )
    const error = await rejectionOf(
      createClient(server.url).client.json(GET, schema)
    )
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).message).toMatch(/body that is not JSON/)
    expect((error as HttpError).response.status).toBe(200)
    expect((error as HttpError).response.pageTitle).toBe('Sign in')
  })

  it('rejects JSON of the wrong shape as an HttpError', async () => {
    const server = await startServer(json({ models: [] }))
    const error = await rejectionOf(
      createClient(server.url).client.json(GET, schema)
    )
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).message).toMatch(/unexpected shape/)
  })
})

describe('HttpClient errors', () => {
  it('raises an HttpError with the facts of a failure', async () => {
    const body = '{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": "no"}'
    const server = await startServer(reply(404, body))
    const error = await rejectionOf(createClient(server.url).client.send(GET))
    expect(error).toBeInstanceOf(HttpError)
    const { request, response } = error as HttpError
    expect(response.status).toBe(404)
    expect((error as HttpError).errorCode).toBe('RESOURCE_DOES_NOT_EXIST')
    expect(request.url).toBe(
      `${server.url}/api/2.0/mlflow/registered-models/get`
    )
    expect(request.credential).toEqual({ kind: 'basic', username: 'ci-bot' })
    expect(request.host).toBe(new URL(server.url).host)
  })

  it('raises a ConnectionError when the request times out', async () => {
    const server = await startServer(() => undefined)
    const { client } = createClient(server.url, {
      timeoutMs: 100,
      retry: { maxAttempts: 1 }
    })
    const error = await rejectionOf(client.send(GET))
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).code).toBe('UND_ERR_HEADERS_TIMEOUT')
  })

  it('raises a ConnectionError when nothing listens', async () => {
    const server = await startServer(reply(200))
    await server.stop()
    const { client } = createClient(server.url, { retry: { maxAttempts: 1 } })
    const error = await rejectionOf(client.send(GET))
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).code).toBe('ECONNREFUSED')
  })
})

/** Closes the connection without sending a response. */
const hangUp: Handler = (_, response) => {
  response.socket?.destroy()
}

describe('HttpClient origin history', () => {
  it('first contact has no earlier response', async () => {
    const server = await startServer(hangUp)
    const { client } = createClient(server.url, { retry: { maxAttempts: 1 } })
    const error = await rejectionOf(client.send(GET))
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).request.originResponded).toBeUndefined()
  })

  it('close after any response records it', async () => {
    const server = await startServer(sequence(reply(500), hangUp))
    const { client } = createClient(server.url, { retry: { maxAttempts: 1 } })
    await rejectionOf(client.send(GET))
    const error = await rejectionOf(client.send(GET))
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).request.originResponded).toBe(true)
  })

  it('derived client shares the history', async () => {
    const server = await startServer(sequence(json({}), hangUp))
    const { client } = createClient(server.url, { retry: { maxAttempts: 1 } })
    await client.send(GET)
    const derived = client.withRetryDeadline(1000)
    const error = await rejectionOf(derived.send(CREATE))
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).request.originResponded).toBe(true)
  })

  it('derived client sees earlier MLflow headers', async () => {
    const server = await startServer(
      sequence(
        reply(200, '{}', {
          'content-type': 'application/json',
          server: 'uvicorn'
        }),
        reply(403, '{"error_code":"PERMISSION_DENIED","message":"no"}', {
          'content-type': 'application/json',
          server: 'envoy'
        })
      )
    )
    const { client } = createClient(server.url)
    await client.send(GET)
    const derived = client.withRetryDeadline(1000)
    const error = await rejectionOf(derived.send(CREATE))
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).request.earlierMlflowHeaders).toEqual({
      server: 'uvicorn'
    })
    expect(classifyFailure(error as HttpError).code).toBe(
      'FORBIDDEN_NON_MLFLOW'
    )
  })

  it('parent client sees headers of a derived one', async () => {
    const server = await startServer(
      sequence(
        reply(200, '{}', {
          'content-type': 'application/json',
          server: 'uvicorn'
        }),
        reply(500, 'boom', { server: 'envoy' })
      )
    )
    const { client } = createClient(server.url, { retry: { maxAttempts: 1 } })
    await client.withRetryDeadline(1000).send(GET)
    const error = await rejectionOf(client.send(GET))
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).request.earlierMlflowHeaders).toEqual({
      server: 'uvicorn'
    })
  })
})

describe('HttpClient speculative requests', () => {
  const speculative: ApiRequest = { ...GET, speculative: true }
  const mlflowOk = reply(200, '{}', {
    'content-type': 'application/json',
    server: 'uvicorn'
  })
  const gatewayDenied = reply(
    403,
    '{"error_code":"PERMISSION_DENIED","message":"no"}',
    { 'content-type': 'application/json', server: 'envoy' }
  )

  it('sends a transient failure once', async () => {
    const server = await startServer(reply(503, 'busy'))
    const { client, sleeps, lines } = createClient(server.url)
    const error = await rejectionOf(client.send(speculative))
    expect((error as HttpError).response.status).toBe(503)
    expect(server.received).toHaveLength(1)
    expect(sleeps).toEqual([])
    expect(lines.join('\n')).not.toContain('Retrying')
  })

  it('counts in the request count', async () => {
    const server = await startServer(json({}))
    const { client } = createClient(server.url)
    await client.send(speculative)
    expect(client.requestCount).toBe(1)
  })

  it('leaves no MLflow headers as evidence', async () => {
    const server = await startServer(sequence(mlflowOk, gatewayDenied))
    const { client } = createClient(server.url)
    await client.send(speculative)
    const error = await rejectionOf(client.send(GET))
    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).request.earlierMlflowHeaders).toBeUndefined()
    expect(classifyFailure(error as HttpError).code).toBe(
      'FORBIDDEN_PERMISSION'
    )
  })

  it('records nothing when it fails', async () => {
    const server = await startServer(sequence(gatewayDenied, hangUp))
    const { client } = createClient(server.url, { retry: { maxAttempts: 1 } })
    await rejectionOf(client.send(speculative))
    const error = await rejectionOf(client.send(GET))
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).request.originResponded).toBeUndefined()
    expect(
      (error as ConnectionError).request.earlierMlflowHeaders
    ).toBeUndefined()
  })
})

describe('HttpClient redirects', () => {
  it.each([307, 308])(
    'follows a same-origin %d with method, body and credentials',
    async status => {
      const server = await startServer(
        sequence(reply(status, '', { location: '/moved/create' }), json({}))
      )
      await createClient(server.url).client.send(CREATE)
      const [, followed] = server.received
      expect(server.received).toHaveLength(2)
      expect(followed?.url).toBe('/moved/create')
      expect(followed?.method).toBe('POST')
      expect(followed?.body).toBe(JSON.stringify(CREATE.json))
      expect(followed?.headers.authorization).toBe(BASIC)
    }
  )

  it('opens a streamed body again for a redirect', async () => {
    const server = await startServer(
      sequence(reply(307, '', { location: '/again' }), reply(200))
    )
    let opened = 0
    const body: ReplayableBody = {
      contentType: 'application/octet-stream',
      length: 3,
      open: () => {
        opened++
        return Readable.from([Buffer.from('abc')])
      }
    }
    await createClient(server.url).client.send({ ...GET, method: 'PUT', body })
    expect(opened).toBe(2)
    expect(server.received[1]?.body).toBe('abc')
  })

  it.each([301, 302, 303])('does not follow a %d', async status => {
    const server = await startServer(
      sequence(reply(status, '', { location: '/moved' }), json({}))
    )
    const error = await rejectionOf(createClient(server.url).client.send(GET))
    expect((error as HttpError).response.status).toBe(status)
    expect(server.received).toHaveLength(1)
  })

  it('does not follow a redirect to another origin', async () => {
    const other = await startServer(json({}))
    const server = await startServer(
      reply(307, '', { location: `${other.url}/api/2.0/mlflow/x` })
    )
    const error = await rejectionOf(createClient(server.url).client.send(GET))
    expect((error as HttpError).response.status).toBe(307)
    expect(other.received).toHaveLength(0)
  })

  it('stops after three redirects', async () => {
    const server = await startServer(reply(307, '', { location: '/loop' }))
    const error = await rejectionOf(createClient(server.url).client.send(GET))
    expect((error as HttpError).response.status).toBe(307)
    expect(server.received).toHaveLength(4)
  })
})

describe('HttpClient retries', () => {
  const unavailable = reply(503, 'busy', { 'retry-after': '7' })

  it('retries an idempotent request and honours Retry-After', async () => {
    const server = await startServer(
      sequence(unavailable, unavailable, json({ ok: true }))
    )
    const { client, sleeps } = createClient(server.url)
    const response = await client.send(GET)
    expect(response.status).toBe(200)
    expect(sleeps).toEqual([7000, 7000])
    expect(client.requestCount).toBe(3)
  })

  it('logs each retry', async () => {
    const server = await startServer(sequence(unavailable, json({})))
    const { client, lines } = createClient(server.url)
    await client.send(GET)
    expect(lines).toContain(
      'info: Retrying get registered model (attempt 2 of 3) in 7.0 s: ' +
        'HTTP 503'
    )
  })

  it('backs off without Retry-After', async () => {
    const server = await startServer(sequence(reply(502), reply(502), json({})))
    const { client, sleeps } = createClient(server.url)
    await client.send(GET)
    expect(sleeps).toEqual([100, 200])
  })

  it('gives up after the last attempt', async () => {
    const server = await startServer(unavailable)
    const { client, sleeps } = createClient(server.url)
    const error = await rejectionOf(client.send(GET))
    expect((error as HttpError).response.status).toBe(503)
    expect(server.received).toHaveLength(3)
    expect(sleeps).toHaveLength(2)
  })

  it('gives up when the wait would exceed the budget', async () => {
    const server = await startServer(unavailable)
    const { client, sleeps } = createClient(server.url, {
      retry: { budgetMs: 5000 }
    })
    await rejectionOf(client.send(GET))
    expect(server.received).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('does not retry a non-idempotent POST', async () => {
    const server = await startServer(sequence(unavailable, json({})))
    const error = await rejectionOf(
      createClient(server.url).client.send(CREATE)
    )
    expect((error as HttpError).response.status).toBe(503)
    expect(server.received).toHaveLength(1)
  })

  it.each([401, 403, 404])('does not retry HTTP %d', async status => {
    const server = await startServer(sequence(reply(status), json({})))
    const { client, sleeps } = createClient(server.url)
    await rejectionOf(client.send(GET))
    expect(server.received).toHaveLength(1)
    expect(sleeps).toEqual([])
  })

  it('retries a refused connection', async () => {
    const server = await startServer(reply(200))
    await server.stop()
    const { client, sleeps } = createClient(server.url, {
      retry: { maxAttempts: 2 }
    })
    const error = await rejectionOf(client.send(GET))
    expect((error as ConnectionError).code).toBe('ECONNREFUSED')
    expect(sleeps).toEqual([100])
  })
})

describe('HttpClient response sink', () => {
  const readAll = async (body: Readable): Promise<string> => {
    const chunks: Buffer[] = []
    for await (const chunk of body) chunks.push(chunk as Buffer)
    return Buffer.concat(chunks).toString()
  }

  it('streams a 2xx body into the sink', async () => {
    const server = await startServer(reply(200, 'model bytes'))
    const { client } = createClient(server.url)
    let streamed = ''
    const response = await client.send({
      ...GET,
      sink: async body => {
        streamed = await readAll(body)
      }
    })
    expect(streamed).toBe('model bytes')
    expect(response.text).toBe('')
  })

  it('skips the sink for a retried failure', async () => {
    const server = await startServer(
      sequence(reply(503, 'busy'), reply(200, 'second'))
    )
    const { client } = createClient(server.url)
    const calls: string[] = []
    await client.send({
      ...GET,
      sink: async body => {
        calls.push(await readAll(body))
      }
    })
    expect(calls).toEqual(['second'])
  })

  it('keeps an error body out of the sink', async () => {
    const server = await startServer(reply(404, '{"error_code":"X"}'))
    const { client } = createClient(server.url)
    let called = false
    const error = await rejectionOf(
      client.send({
        ...GET,
        sink: () => {
          called = true
          return Promise.resolve()
        }
      })
    )
    expect(error).toBeInstanceOf(HttpError)
    expect(called).toBe(false)
  })
})

describe('HttpClient body opening', () => {
  it('opens no body when authorization fails', async () => {
    const server = await startServer(reply(200, '{}'))
    const dispatcher = new Agent()
    cleanups.push(() => dispatcher.destroy())
    const client = new HttpClient({
      baseUrl: new URL(server.url),
      auth: {
        mode: 'bearer',
        credential: { kind: 'none' },
        authorize: () => Promise.reject(new Error('token endpoint down'))
      },
      dispatcher,
      timeoutMs: 5000,
      log: recordingLogger(),
      userAgent: 'mlflow-register-test',
      retry: singleAttempt()
    })
    let opened = 0
    const error = await rejectionOf(
      client.send({
        method: 'PUT',
        path: 'api/2.0/mlflow-artifacts/artifacts/model/MLmodel',
        body: {
          contentType: 'application/octet-stream',
          length: 3,
          open: () => {
            opened++
            return Readable.from([Buffer.from('abc')])
          }
        },
        operation: 'upload artifact',
        idempotent: true
      })
    )
    expect(String(error)).toContain('token endpoint down')
    expect(opened).toBe(0)
    expect(server.received).toEqual([])
  })
})
