import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  GITHUB_CLAIMS,
  startGitHubOidcStandIn,
  type GitHubOidcStandIn
} from '../support/github-oidc-standin.js'
import { startJwtMlflow, type JwtMlflow } from '../support/oauth-stack.js'
import { runAction, type ActionResult } from '../support/run-action.js'
import { expectSecretsMasked } from '../support/secret-scan.js'
import { uniqueModelName } from '../support/servers.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(180_000)

const AUDIENCE = 'mlflow-register-e2e'

let standIn: GitHubOidcStandIn
let server: JwtMlflow

beforeAll(async () => {
  standIn = await startGitHubOidcStandIn()
  server = await startJwtMlflow({
    jwksUri: standIn.jwksUri,
    issuer: standIn.issuer,
    audience: AUDIENCE,
    users: [GITHUB_CLAIMS.sub]
  })
})

afterAll(async () => {
  await server.stop()
  await standIn.stop()
})

function registerStep(): Record<string, string> {
  return {
    'tracking-uri': server.mlflow.url,
    'auth-mode': 'github-oidc',
    'oidc-exchange': 'id-token',
    'oidc-audience': AUDIENCE,
    'model-name': uniqueModelName('e2e-oidc'),
    'model-path': 'examples/model',
    'experiment-name': uniqueModelName('e2e-oidc-uploads')
  }
}

describe('action with github-oidc', () => {
  let result: ActionResult
  let tokens: string[]

  beforeAll(async () => {
    const before = standIn.issuedTokens.length
    result = await runAction({ inputs: registerStep(), env: standIn.env })
    tokens = standIn.issuedTokens.slice(before)
  })

  it('registers and reports the mode', () => {
    expect(result.exitCode).toBe(0)
    expect(result.outputs.outcome).toBe('registered')
    expect(result.outputs['auth-mode']).toBe('github-oidc')
  })

  it('masks every ID token', () => {
    expect(tokens.length).toBeGreaterThan(0)
    expectSecretsMasked(result, { values: tokens })
  })
})

describe('action with github-oidc without id-token: write', () => {
  let result: ActionResult

  beforeAll(async () => {
    result = await runAction({ inputs: registerStep() })
  })

  it('fails with CLIENT_CONFIG', () => {
    expect(result.exitCode).toBe(1)
    expect(result.outputs.diagnosis).toBe('CLIENT_CONFIG')
  })

  it('asks for the id-token permission', () => {
    const error = result.annotations.find(a => a.level === 'error')
    expect(error?.message).toContain('id-token: write')
  })
})

// @actions/attest 3.2.0 requests an ID token for the audience `nobody`
// with core.getIDToken, then reads the signing keys of the issuer, which
// it derives from GITHUB_SERVER_URL (https://github.com in these runs).
// A loopback proxy rejects that request with 403, so the run fails after
// the ID token request and before anything leaves the machine.
describe('action with attest and github-oidc', () => {
  let result: ActionResult
  let tokens: string[]
  let proxy: RejectingProxy

  beforeAll(async () => {
    proxy = await startRejectingProxy()
    const before = standIn.issuedTokens.length
    result = await runAction({
      inputs: {
        ...registerStep(),
        attest: 'true',
        'github-token': 'ghs_attest0test0token0value'
      },
      env: {
        ...standIn.env,
        HTTPS_PROXY: proxy.url,
        NO_PROXY: '127.0.0.1,localhost'
      }
    })
    tokens = standIn.issuedTokens.slice(before)
  })

  afterAll(async () => {
    await proxy.stop()
  })

  it('requests an ID token through @actions/core', () => {
    const audiences = tokens.map(token => readAudience(token))
    expect(audiences).toContain('nobody')
  })

  it('reads the issuer keys after the ID token', () => {
    expect(proxy.targets).toContain('token.actions.githubusercontent.com:443')
  })

  it('fails with ATTESTATION_FAILED', () => {
    expect(result.exitCode).toBe(1)
    expect(result.outputs.diagnosis).toBe('ATTESTATION_FAILED')
  })
})

function readAudience(jwt: string): unknown {
  const payload = jwt.split('.')[1] ?? ''
  const claims = JSON.parse(
    Buffer.from(payload, 'base64url').toString('utf8')
  ) as { aud?: unknown }
  return claims.aud
}

/** A loopback proxy that rejects every request and records its target. */
interface RejectingProxy {
  readonly url: string
  /** The targets of CONNECT requests, as `host:port`. */
  readonly targets: string[]
  stop(): Promise<void>
}

async function startRejectingProxy(): Promise<RejectingProxy> {
  const targets: string[] = []
  const server = createServer((_, response) => {
    response.writeHead(403).end()
  })
  server.on('connect', (request: { url?: string }, socket) => {
    targets.push(request.url ?? '')
    socket.end('HTTP/1.1 403 Forbidden\r\n\r\n')
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    stop: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}
