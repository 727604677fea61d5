/**
 * A loopback stand-in for GitHub's ID token endpoint: it serves the
 * request that `@actions/core`'s `getIDToken` sends, with an RS256 JWT
 * carrying GitHub's claims, and serves the signing key as a JWKS with an
 * OpenID discovery document that points to it.
 */
import { createSign, generateKeyPairSync, randomBytes } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** The claims of the tokens, as GitHub sets them for a push to main. */
export const GITHUB_CLAIMS = {
  sub: 'repo:hokusai/mlflow-register:ref:refs/heads/main',
  repository: 'hokusai/mlflow-register',
  repository_id: '700100',
  repository_owner_id: '700001',
  ref: 'refs/heads/main',
  sha: '3f5a9c2e1b7d4f6a8c0e2b4d6f8a0c2e4b6d8f0a',
  event_name: 'push',
  workflow_ref:
    'hokusai/mlflow-register/.github/workflows/register.yml@refs/heads/main',
  job_workflow_ref:
    'hokusai/mlflow-register/.github/workflows/register.yml@refs/heads/main',
  runner_environment: 'github-hosted',
  run_id: '9100',
  run_attempt: '1'
}

/** A running stand-in and the tokens it issued. */
export interface GitHubOidcStandIn {
  /** The `iss` of its tokens. */
  readonly issuer: string
  readonly jwksUri: string
  /** The variables the runner sets for a job with `id-token: write`. */
  readonly env: {
    readonly ACTIONS_ID_TOKEN_REQUEST_URL: string
    readonly ACTIONS_ID_TOKEN_REQUEST_TOKEN: string
  }
  readonly issuedTokens: string[]
  /** How many ID token requests arrived. */
  readonly requestCount: () => number
  stop(): Promise<void>
}

/** Starts the stand-in on a free loopback port. */
export async function startGitHubOidcStandIn(): Promise<GitHubOidcStandIn> {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048
  })
  const requestToken = randomBytes(16).toString('hex')
  const issuedTokens: string[] = []
  let requests = 0
  let issuer = ''

  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', issuer)
    if (url.pathname === '/.well-known/openid-configuration') {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ issuer, jwks_uri: `${issuer}/jwks` }))
      return
    }
    if (url.pathname === '/jwks') {
      const jwk = {
        ...publicKey.export({ format: 'jwk' }),
        kid: 'gh',
        alg: 'RS256',
        use: 'sig'
      }
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ keys: [jwk] }))
      return
    }
    requests++
    if (request.headers.authorization !== `Bearer ${requestToken}`) {
      response.writeHead(401).end()
      return
    }
    const now = Math.floor(Date.now() / 1000)
    const claims = {
      ...GITHUB_CLAIMS,
      iss: issuer,
      aud: url.searchParams.get('audience') ?? 'https://github.com/hokusai',
      iat: now,
      nbf: now,
      exp: now + 300,
      jti: randomBytes(8).toString('hex')
    }
    const token = signJwt(claims, privateKey)
    issuedTokens.push(token)
    response.writeHead(200, { 'content-type': 'application/json' })
    response.end(JSON.stringify({ count: 1, value: token }))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  issuer = `http://127.0.0.1:${port}`
  return {
    issuer,
    jwksUri: `${issuer}/jwks`,
    env: {
      // GitHub's URL already has a query; getIDToken appends `&audience=`.
      ACTIONS_ID_TOKEN_REQUEST_URL: `${issuer}/token?api-version=2.0`,
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken
    },
    issuedTokens,
    requestCount: () => requests,
    stop: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

function signJwt(
  claims: Record<string, unknown>,
  key: Parameters<ReturnType<typeof createSign>['sign']>[0]
): string {
  const encode = (value: unknown) =>
    Buffer.from(JSON.stringify(value)).toString('base64url')
  const input = `${encode({ alg: 'RS256', typ: 'JWT', kid: 'gh' })}.${encode(claims)}`
  const signature = createSign('RSA-SHA256').update(input).sign(key)
  return `${input}.${signature.toString('base64url')}`
}
