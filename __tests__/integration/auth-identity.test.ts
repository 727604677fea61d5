/**
 * A token the server accepts for a user its auth store does not have:
 * real MLflow 3.17.2 with the JWT authorization function, and an OAuth
 * client whose `sub` was never created as an MLflow user.
 */
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  startOAuthProvider,
  type OAuthTestClient,
  type OAuthTestProvider
} from '../support/oauth-provider.js'
import {
  AUDIENCE,
  startJwtMlflow,
  type JwtMlflow
} from '../support/oauth-stack.js'
import { runAction, type ActionRun } from '../support/registration.js'
import { mlflowApi, uniqueModelName } from '../support/servers.js'
import { ADMIN } from '../../scripts/mlflow/servers.mjs'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(180_000)

/** A machine client that no browser login ever provisioned in MLflow. */
const UNPROVISIONED: OAuthTestClient = {
  clientId: 'ci-bot-unprovisioned',
  clientSecret: 'client-secret-unprovisioned-for-tests'
}

let provider: OAuthTestProvider | undefined
let server: JwtMlflow | undefined

beforeAll(async () => {
  const started = await startOAuthProvider({
    clients: [UNPROVISIONED],
    audience: AUDIENCE,
    accessTokenTtlSeconds: 300
  })
  provider = started
  server = await startJwtMlflow({
    jwksUri: started.jwksUri,
    issuer: started.issuer,
    audience: AUDIENCE,
    users: []
  })
})

afterAll(async () => {
  await server?.stop()
  await provider?.stop()
})

function inputs(extra: Record<string, string>): Record<string, string> {
  if (!server || !provider) throw new Error('the servers did not start')
  return {
    'tracking-uri': server.mlflow.url,
    'token-endpoint': provider.tokenEndpoint,
    'client-id': UNPROVISIONED.clientId,
    'client-secret': UNPROVISIONED.clientSecret,
    resource: AUDIENCE,
    ...extra
  }
}

function errorMessage(run: ActionRun): string {
  return run.host.lines.find(line => line.level === 'error')?.message ?? ''
}

describe('token accepted for a user MLflow lacks', () => {
  let modelName: string
  let run: ActionRun

  beforeAll(async () => {
    modelName = uniqueModelName('identity')
    run = await runAction(
      inputs({
        'model-name': modelName,
        'model-path': 'examples/model',
        'experiment-name': uniqueModelName('uploads')
      })
    )
  })

  it('registration is AUTH_IDENTITY', () => {
    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_IDENTITY')
  })

  it('message names the token subject', () => {
    expect(errorMessage(run)).toContain(`user '${UNPROVISIONED.clientId}'`)
    expect(errorMessage(run)).toContain("client 'ci-bot-unprovisioned'")
  })

  it('says the user must be provisioned', () => {
    expect(errorMessage(run)).toMatch(/must create user/)
  })

  it('is neither retried nor deferred', () => {
    expect(run.result.outcome).toBe('failed')
    const text = run.host.lines.map(line => line.message).join('\n')
    expect(text).not.toMatch(/retrying|sending it again/i)
  })

  it('creates no registered model', async () => {
    if (!server) throw new Error('the server did not start')
    const found = await mlflowApi<{ registered_models?: unknown[] }>(
      server.mlflow,
      'GET',
      'registered-models/search',
      { query: { filter: `name = '${modelName}'` }, auth: ADMIN }
    )
    expect(found.registered_models ?? []).toEqual([])
  })

  it('never prints an issued token', () => {
    const text = run.host.visibleText()
    const tokens = provider?.issuedTokens ?? []
    expect(tokens.length).toBeGreaterThan(0)
    for (const token of tokens) {
      expect(text).not.toContain(token)
    }
  })
})

describe('preflight with a token MLflow has no user for', () => {
  it('preflight is AUTH_IDENTITY', async () => {
    const run = await runAction(
      inputs({ mode: 'preflight', 'model-name': uniqueModelName('identity') })
    )

    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_IDENTITY')
    expect(run.result.diagnosis?.evidence.status).toBe(404)
  })
})
