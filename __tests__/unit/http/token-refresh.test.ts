import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'

import type { AuthProvider } from '../../../src/auth/provider.js'
import { HttpError } from '../../../src/http/errors.js'
import {
  HttpClient,
  isInvalidTokenChallenge,
  type ApiRequest
} from '../../../src/http/transport.js'
import { recordingLogger } from '../fixtures/logger.js'
import { rejectionOf } from '../fixtures/thrown.js'

const EXPIRED = 'Bearer error="invalid_token", error_description="expired"'

/** An auth provider that hands out numbered tokens and counts refreshes. */
class NumberedTokens implements AuthProvider {
  readonly mode = 'oauth-client-credentials'
  readonly credential = {
    kind: 'oauth',
    clientId: 'ci-bot',
    provider: 'idp.example.test'
  } as const
  readonly refreshed: (string | undefined)[] = []
  #number = 1

  authorize(headers: Record<string, string>): Promise<void> {
    headers.authorization = `Bearer token-${this.#number}`
    return Promise.resolve()
  }

  refresh(rejected: string | undefined): Promise<void> {
    this.refreshed.push(rejected)
    this.#number++
    return Promise.resolve()
  }
}

type Reply = (response: ServerResponse) => void

const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Starts a loopback server that sends `replies` in turn. */
async function startServer(replies: Reply[]) {
  const authorizations: (string | undefined)[] = []
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      authorizations.push(request.headers.authorization)
      const reply = replies[Math.min(authorizations.length, replies.length) - 1]
      reply?.(response)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, authorizations }
}

const ok: Reply = response => {
  response.writeHead(200, { 'content-type': 'application/json' }).end('{}')
}

const unauthorized =
  (challenge: string): Reply =>
  response => {
    response.writeHead(401, { 'www-authenticate': challenge }).end()
  }

function client(baseUrl: string, auth: AuthProvider) {
  const dispatcher = new Agent()
  cleanups.push(() => dispatcher.destroy())
  const log = recordingLogger()
  const http = new HttpClient({
    baseUrl: new URL(baseUrl),
    auth,
    dispatcher,
    timeoutMs: 5000,
    log,
    userAgent: 'mlflow-register-test',
    retry: {
      maxAttempts: 3,
      baseDelayMs: 100,
      maxDelayMs: 1000,
      maxRetryAfterMs: 60_000,
      budgetMs: 120_000,
      sleep: () => Promise.resolve(),
      random: () => 1,
      now: () => 0
    }
  })
  return { http, log }
}

const GET: ApiRequest = {
  method: 'GET',
  path: 'api/2.0/mlflow/registered-models/get',
  operation: 'get registered model',
  idempotent: true
}

const CREATE: ApiRequest = {
  method: 'POST',
  path: 'api/2.0/mlflow/model-versions/create',
  json: { name: 'fraud-model', source: 'runs:/0a1b/model' },
  operation: 'create model version',
  idempotent: false
}

describe('HttpClient token refresh', () => {
  it('refreshes once on invalid_token and resends', async () => {
    const server = await startServer([unauthorized(EXPIRED), ok])
    const auth = new NumberedTokens()
    const { http, log } = client(server.url, auth)

    expect((await http.send(GET)).status).toBe(200)
    expect(auth.refreshed).toEqual(['Bearer token-1'])
    expect(server.authorizations).toEqual(['Bearer token-1', 'Bearer token-2'])
    expect(log.lines.join('\n')).toContain('requesting a new token')
  })

  it('resends a create rejected before it was handled', async () => {
    const server = await startServer([unauthorized(EXPIRED), ok])
    const auth = new NumberedTokens()
    const { http } = client(server.url, auth)

    expect((await http.send(CREATE)).status).toBe(200)
    expect(server.authorizations).toHaveLength(2)
  })

  it('gives up after one refresh', async () => {
    const server = await startServer([unauthorized(EXPIRED)])
    const auth = new NumberedTokens()
    const { http } = client(server.url, auth)
    const error = await rejectionOf(http.send(GET))

    expect(error).toBeInstanceOf(HttpError)
    expect((error as HttpError).response.status).toBe(401)
    expect(auth.refreshed).toHaveLength(1)
    expect(server.authorizations).toHaveLength(2)
  })

  it('does not refresh for a speculative read', async () => {
    const server = await startServer([unauthorized(EXPIRED), ok])
    const auth = new NumberedTokens()
    const { http, log } = client(server.url, auth)
    const error = await rejectionOf(http.send({ ...GET, speculative: true }))

    expect((error as HttpError).response.status).toBe(401)
    expect(auth.refreshed).toEqual([])
    expect(server.authorizations).toEqual(['Bearer token-1'])
    expect(log.lines.join('\n')).not.toContain('requesting a new token')
  })

  it.each([
    ['a Basic challenge', 'Basic realm="mlflow"'],
    ['a Bearer challenge without an error', 'Bearer realm="mlflow"'],
    ['insufficient_scope', 'Bearer error="insufficient_scope"']
  ])('does not refresh on %s', async (_, challenge) => {
    const server = await startServer([unauthorized(challenge)])
    const auth = new NumberedTokens()
    const { http } = client(server.url, auth)

    expect(await rejectionOf(http.send(CREATE))).toBeInstanceOf(HttpError)
    expect(auth.refreshed).toEqual([])
    expect(server.authorizations).toHaveLength(1)
  })
})

describe('isInvalidTokenChallenge', () => {
  it.each([
    [EXPIRED, true],
    ['Bearer error=invalid_token', true],
    ['bearer realm="api", error="invalid_token"', true],
    [['Basic realm="mlflow"', 'Bearer error="invalid_token"'], true],
    ['Bearer error="invalid_request"', false],
    ['Basic realm="mlflow"', false],
    [undefined, false]
  ])('reads %j as %s', (header, expected) => {
    expect(isInvalidTokenChallenge(header)).toBe(expected)
  })
})
