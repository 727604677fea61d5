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
