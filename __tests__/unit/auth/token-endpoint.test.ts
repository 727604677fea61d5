import { createServer, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, describe, expect, it } from '@jest/globals'

import {
  TokenEndpoint,
  type ClientCredentialsGrant
} from '../../../src/auth/token-endpoint.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { rejectionOf } from '../fixtures/thrown.js'

type Reply = (response: ServerResponse) => void

const cleanups: (() => Promise<void>)[] = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Starts a loopback token endpoint; returns its URL and request bodies. */
async function startEndpoint(reply: Reply) {
  const bodies: string[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      bodies.push(Buffer.concat(chunks).toString())
      reply(response)
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(async () => {
    server.closeAllConnections()
    await new Promise(resolve => server.close(resolve))
  })
  const { port } = server.address() as AddressInfo
  return { url: new URL(`http://127.0.0.1:${port}/token`), bodies }
}

function json(status: number, body: unknown): Reply {
  return response => {
    response
      .writeHead(status, {
        'content-type': 'application/json',
        'cache-control': 'no-store'
      })
      .end(JSON.stringify(body))
  }
}

function grant(tokenEndpoint: URL): ClientCredentialsGrant {
  return {
    endpoint: { tokenEndpoint },
    clientId: 'ci-bot',
    clientSecret: 'client-secret-for-tests',
    clientAuth: 'post',
    scope: 'mlflow.write',
    audience: 'https://mlflow.example.test/api'
  }
}

async function diagnosisOf(endpoint: TokenEndpoint) {
  const error = await rejectionOf(endpoint.requestToken())
  if (!(error instanceof DiagnosedError)) throw error
  return error.diagnosis
}

describe('TokenEndpoint', () => {
  it('returns the token and its lifetime', async () => {
    const server = await startEndpoint(
      json(200, { access_token: 'at-1', token_type: 'Bearer', expires_in: 60 })
    )
    const token = await new TokenEndpoint(
      grant(server.url),
      5000
    ).requestToken()

    expect(token).toEqual({ accessToken: 'at-1', expiresInMs: 60_000 })
  })

  it('sends the grant, scope, audience and post credentials', async () => {
    const server = await startEndpoint(
      json(200, { access_token: 'at-1', token_type: 'bearer' })
    )
    await new TokenEndpoint(grant(server.url), 5000).requestToken()
    const body = new URLSearchParams(server.bodies[0])

    expect(body.get('grant_type')).toBe('client_credentials')
    expect(body.get('scope')).toBe('mlflow.write')
    expect(body.get('audience')).toBe('https://mlflow.example.test/api')
    expect(body.get('client_id')).toBe('ci-bot')
    expect(body.get('client_secret')).toBe('client-secret-for-tests')
  })

  it('sends a JWT client assertion without the secret', async () => {
    const server = await startEndpoint(
      json(200, { access_token: 'at-1', token_type: 'bearer' })
    )
    const withoutSecret: ClientCredentialsGrant = { ...grant(server.url) }
    delete (withoutSecret as { clientSecret?: string }).clientSecret
    await new TokenEndpoint(withoutSecret, 5000).requestToken('id.token.jwt')
    const body = new URLSearchParams(server.bodies[0])

    expect(body.get('grant_type')).toBe('client_credentials')
    expect(body.get('client_id')).toBe('ci-bot')
    expect(body.get('client_assertion_type')).toBe(
      'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
    )
    expect(body.get('client_assertion')).toBe('id.token.jwt')
    expect(body.has('client_secret')).toBe(false)
  })

  it('exchanges an ID token by RFC 8693', async () => {
    const server = await startEndpoint(
      json(200, { access_token: 'at-1', token_type: 'bearer' })
    )
    await new TokenEndpoint(grant(server.url), 5000).exchangeToken('id.jwt')
    const body = new URLSearchParams(server.bodies[0])

    expect(body.get('grant_type')).toBe(
      'urn:ietf:params:oauth:grant-type:token-exchange'
    )
    expect(body.get('subject_token')).toBe('id.jwt')
    expect(body.get('subject_token_type')).toBe(
      'urn:ietf:params:oauth:token-type:id_token'
    )
  })

  it('reports invalid_scope with the host', async () => {
    const server = await startEndpoint(
      json(400, { error: 'invalid_scope', error_description: 'unknown' })
    )
    const diagnosis = await diagnosisOf(
      new TokenEndpoint(grant(server.url), 5000)
    )

    expect(diagnosis.code).toBe('AUTH_REFRESH')
    expect(diagnosis.detail).toContain(server.url.host)
    expect(diagnosis.detail).toContain('with invalid_scope')
    expect(diagnosis.evidence.oauthError).toBe('invalid_scope')
    expect(diagnosis.evidence.status).toBe(400)
    expect(diagnosis.fix).toContain('`scope`')
  })

  it('reports a token endpoint that times out', async () => {
    const server = await startEndpoint(() => undefined)
    const diagnosis = await diagnosisOf(
      new TokenEndpoint(grant(server.url), 200)
    )

    expect(diagnosis.code).toBe('AUTH_REFRESH')
    expect(diagnosis.detail).toContain('no answer within 0.2 s')
    expect(diagnosis.evidence.networkError).toBe('timeout')
  })

  it('reports a refused connection', async () => {
    const server = await startEndpoint(() => undefined)
    for (const cleanup of cleanups.splice(0)) await cleanup()
    const diagnosis = await diagnosisOf(
      new TokenEndpoint(grant(server.url), 5000)
    )

    expect(diagnosis.code).toBe('AUTH_REFRESH')
    expect(diagnosis.evidence.networkError).toBe('ECONNREFUSED')
    expect(diagnosis.fix).toContain('reachable from the runner')
  })

  it('reports a 500 with its status', async () => {
    const server = await startEndpoint(response => {
      response.writeHead(500, { 'content-type': 'text/plain' }).end('boom')
    })
    const diagnosis = await diagnosisOf(
      new TokenEndpoint(grant(server.url), 5000)
    )

    expect(diagnosis.detail).toContain(
      'the answer was HTTP 500 (text/plain), not a token response'
    )
    expect(diagnosis.evidence.status).toBe(500)
    expect(diagnosis.fix).toContain('not a login page')
  })

  it('reports an HTML login page', async () => {
    const server = await startEndpoint(response => {
      response
        .writeHead(200, { 'content-type': 'text/html' })
        .end('<title>Sign in</title>')
    })
    const diagnosis = await diagnosisOf(
      new TokenEndpoint(grant(server.url), 5000)
    )

    expect(diagnosis.detail).toContain('HTTP 200 (text/html)')
  })

  it('rejects a DPoP token type', async () => {
    const server = await startEndpoint(
      json(200, { access_token: 'at-1', token_type: 'DPoP' })
    )
    const diagnosis = await diagnosisOf(
      new TokenEndpoint(grant(server.url), 5000)
    )

    expect(diagnosis.code).toBe('AUTH_REFRESH')
    // oauth4webapi reports token types in lower case.
    expect(diagnosis.detail).toContain("type 'dpop'")
  })

  it('reports an issuer without metadata', async () => {
    const server = await startEndpoint(json(404, { error: 'not_found' }))
    const issuer = new URL(server.url.origin)
    const endpoint = new TokenEndpoint(
      { ...grant(server.url), endpoint: { issuer } },
      5000
    )
    const diagnosis = await diagnosisOf(endpoint)

    expect(diagnosis.code).toBe('AUTH_REFRESH')
    expect(diagnosis.detail).toMatch(/^Reading the OAuth issuer metadata/)
    expect(diagnosis.evidence.request).toBe(
      `GET ${server.url.origin}/.well-known/openid-configuration`
    )
  })
})
