import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from '@jest/globals'

import {
  TokenEndpoint,
  type ClientCredentialsGrant
} from '../../../src/auth/token-endpoint.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import type { RetryPolicy } from '../../../src/http/retry.js'
import { recordingLogger } from '../fixtures/logger.js'
import { rejectionOf } from '../fixtures/thrown.js'

type Reply = (response: ServerResponse) => void

const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Starts a loopback token endpoint that sends `replies` in turn. */
async function startEndpoint(...replies: Reply[]) {
  let count = 0
  const server = createServer((request, response) => {
    request.resume()
    request.on('end', () => {
      const reply = replies[Math.min(count, replies.length - 1)]
      count += 1
      reply?.(response)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return {
    url: new URL(`http://127.0.0.1:${port}/oauth/token`),
    requests: () => count
  }
}

function json(status: number, body: unknown, headers = {}): Reply {
  return response => {
    response
      .writeHead(status, { 'content-type': 'application/json', ...headers })
      .end(JSON.stringify(body))
  }
}

const TOKEN = json(200, {
  access_token: 'at-after-retry',
  token_type: 'Bearer'
})

function grant(tokenEndpoint: URL): ClientCredentialsGrant {
  return {
    endpoint: { tokenEndpoint },
    clientId: 'ci-bot',
    clientSecret: 'client-secret-for-tests',
    clientAuth: 'post'
  }
}

/** Builds a policy with an injected sleep, so retries take no time. */
function policy(maxAttempts = 3) {
  const sleeps: number[] = []
  const retry: RetryPolicy = {
    maxAttempts,
    baseDelayMs: 500,
    maxDelayMs: 15_000,
    maxRetryAfterMs: 60_000,
    budgetMs: 120_000,
    sleep: ms => {
      sleeps.push(ms)
      return Promise.resolve()
    },
    random: () => 0.5,
    now: Date.now
  }
  return { retry, sleeps }
}

function endpointWithRetry(url: URL, maxAttempts = 3) {
  const { retry, sleeps } = policy(maxAttempts)
  const log = recordingLogger()
  const endpoint = new TokenEndpoint(grant(url), 5000, {
    policy: retry,
    log
  })
  return { endpoint, sleeps, log }
}

describe('token request retries', () => {
  it('retries a 503 once, then succeeds', async () => {
    const server = await startEndpoint(
      json(503, { error: 'temporarily_unavailable' }),
      TOKEN
    )
    const { endpoint, log } = endpointWithRetry(server.url)
    const token = await endpoint.requestToken()

    expect(token.accessToken).toBe('at-after-retry')
    expect(server.requests()).toBe(2)
    expect(log.lines).toEqual([
      `info: Retrying the token request to ${server.url.host} ` +
        '(attempt 2 of 3) in 0.3 s: HTTP 503'
    ])
  })

  it('waits for the Retry-After of a 429', async () => {
    const server = await startEndpoint(
      json(429, { error: 'slow_down' }, { 'retry-after': '7' }),
      TOKEN
    )
    const { endpoint, sleeps } = endpointWithRetry(server.url)
    await endpoint.requestToken()

    expect(sleeps).toEqual([7000])
  })

  it('retries a 502 page that is not OAuth', async () => {
    const server = await startEndpoint(response => {
      response.writeHead(502, { 'content-type': 'text/html' }).end('<p>')
    }, TOKEN)
    const { endpoint } = endpointWithRetry(server.url)
    await endpoint.requestToken()

    expect(server.requests()).toBe(2)
  })

  it('retries a refused connection until attempts run out', async () => {
    const server = await startEndpoint(TOKEN)
    for (const cleanup of cleanups.splice(0)) await cleanup()
    const { endpoint, sleeps } = endpointWithRetry(server.url, 2)
    const error = await rejectionOf(endpoint.requestToken())

    expect(sleeps).toHaveLength(1)
    expect(error).toBeInstanceOf(DiagnosedError)
    expect((error as DiagnosedError).diagnosis.evidence.networkError).toBe(
      'ECONNREFUSED'
    )
  })

  it('never retries invalid_client', async () => {
    const server = await startEndpoint(
      json(401, { error: 'invalid_client', error_description: 'bad secret' })
    )
    const { endpoint, log } = endpointWithRetry(server.url)
    const error = await rejectionOf(endpoint.requestToken())
    if (!(error instanceof DiagnosedError)) throw error

    expect(server.requests()).toBe(1)
    expect(log.lines).toEqual([])
    expect(error.diagnosis.code).toBe('AUTH_REFRESH')
    expect(error.diagnosis.detail).toContain(server.url.host)
    expect(error.diagnosis.detail).toContain('with invalid_client')
  })

  it('never retries invalid_grant', async () => {
    const server = await startEndpoint(json(400, { error: 'invalid_grant' }))
    const { endpoint } = endpointWithRetry(server.url)
    await rejectionOf(endpoint.requestToken())

    expect(server.requests()).toBe(1)
  })

  it('sends once without a retry policy', async () => {
    const server = await startEndpoint(json(503, {}), TOKEN)
    await rejectionOf(new TokenEndpoint(grant(server.url), 5000).requestToken())

    expect(server.requests()).toBe(1)
  })
})
