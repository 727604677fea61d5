import { setTimeout as sleep } from 'node:timers/promises'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { resolveAuth } from '../../src/auth/resolve-auth.js'
import { startFakeServer } from '../../src/fake-server/index.js'
import { loadConfig } from '../../src/config/load-config.js'
import { isOffline } from '../../src/config/offline-settings.js'
import { createDispatcher } from '../../src/http/dispatcher.js'
import { defaultRetryPolicy } from '../../src/http/retry.js'
import { HttpClient } from '../../src/http/transport.js'
import { runPreflight } from '../../src/preflight/preflight.js'
import { readProvenance } from '../../src/register/provenance.js'
import { registerModel } from '../../src/register/register.js'
import {
  BASIC_CLIENT,
  POST_CLIENT,
  oauthInputs,
  startOAuthStack,
  type OAuthStack
} from '../support/oauth-stack.js'
import { RecordingHost } from '../support/recording-host.js'
import {
  githubEnv,
  leakedSecrets,
  runAction,
  type ActionRun
} from '../support/registration.js'
import { mlflowApi, uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(180_000)

let stack: OAuthStack

beforeAll(async () => {
  stack = await startOAuthStack(5)
})

afterAll(async () => {
  await stack.stop()
})

function registrationInputs(prefix: string): Record<string, string> {
  return {
    ...oauthInputs(stack),
    'model-name': uniqueModelName(prefix),
    'model-path': 'examples/model',
    'experiment-name': uniqueModelName('uploads')
  }
}

/** Lists a model's version numbers on the stack's server, as its admin. */
async function versionNumbers(model: string): Promise<string[]> {
  const response = await mlflowApi<{ model_versions?: { version: string }[] }>(
    stack.mlflow,
    'GET',
    'model-versions/search',
    { query: { filter: `name = '${model}'` }, auth: stack.admin }
  )
  return (response.model_versions ?? []).map(version => version.version)
}

function errorMessage(run: ActionRun): string {
  return run.host.lines.find(line => line.level === 'error')?.message ?? ''
}

function logText(host: RecordingHost): string {
  return host.lines.map(line => line.message).join('\n')
}

describe('oauth-client-credentials against JWT-validating MLflow', () => {
  it('registers with a Basic-authenticated client', async () => {
    const inputs = registrationInputs('oauth')
    const run = await runAction(inputs)

    expect(run.result.outcome).toBe('registered')
    expect(run.host.outputs.get('auth-mode')).toBe('oauth-client-credentials')
    expect(await versionNumbers(inputs['model-name'] ?? '')).toEqual(['1'])
    expect(logText(run.host)).toContain(
      'auth-mode auto chose oauth-client-credentials'
    )
  })

  it('masks the secret and every issued token', async () => {
    const before = stack.provider.issuedTokens.length
    const run = await runAction(registrationInputs('oauth-mask'))
    const tokens = stack.provider.issuedTokens.slice(before)

    expect(run.result.outcome).toBe('registered')
    expect(tokens.length).toBeGreaterThan(0)
    for (const token of tokens) expect(run.host.secrets).toContain(token)
    expect(run.host.secrets).toContain(BASIC_CLIENT.clientSecret)
    expect(
      leakedSecrets(run.host, [BASIC_CLIENT.clientSecret, ...tokens])
    ).toEqual([])
  })

  it('discovers the endpoint and posts the secret', async () => {
    const inputs: Record<string, string> = {
      ...registrationInputs('oauth-post'),
      ...oauthInputs(stack, POST_CLIENT),
      'oauth-issuer': stack.provider.issuer,
      'client-auth': 'post',
      'auth-mode': 'oauth-client-credentials'
    }
    delete inputs['token-endpoint']
    const run = await runAction(inputs)

    expect(run.result.outcome).toBe('registered')
    expect(run.result.version?.version).toBe('1')
  })

  it('reports the MLflow user in preflight mode', async () => {
    const run = await runAction({
      ...oauthInputs(stack),
      mode: 'preflight'
    })

    expect(run.result.outcome).toBe('checked')
    expect(run.result.preflight?.identity).toBe(BASIC_CLIENT.clientId)
    expect(run.host.summary).toContain('oauth-client-credentials')
  })

  it('wrong secret is AUTH_REFRESH naming host and code', async () => {
    const wrongSecret = 'wrong-client-secret-for-tests'
    const run = await runAction({
      ...registrationInputs('oauth-wrong'),
      'client-secret': wrongSecret
    })
    const host = new URL(stack.provider.issuer).host

    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_REFRESH')
    expect(run.host.failure).toMatch(/^AUTH_REFRESH/)
    expect(errorMessage(run)).toContain(host)
    expect(errorMessage(run)).toContain('invalid_client')
    expect(errorMessage(run)).toContain("client 'ci-bot-oauth'")
    expect(leakedSecrets(run.host, [wrongSecret])).toEqual([])
  })
})

/** Builds the action's steps by hand, with a clock the test controls. */
function composeRun(inputs: Record<string, string>, now: () => number) {
  const host = new RecordingHost(inputs, githubEnv())
  const config = loadConfig(host)
  if (isOffline(config)) throw new Error('expected a server config')
  const auth = resolveAuth(
    config.auth,
    config.origins,
    value => {
      host.setSecret(value)
    },
    { log: host.log, timeoutMs: config.requestTimeoutMs, now }
  )
  const dispatcher = createDispatcher({ connectTimeoutMs: 10_000 })
  const http = new HttpClient({
    baseUrl: config.trackingUri,
    auth: auth.provider,
    dispatcher,
    timeoutMs: config.requestTimeoutMs,
    retry: defaultRetryPolicy(config.maxAttempts),
    log: host.log,
    userAgent: 'mlflow-register-test'
  })
  const register = () =>
    registerModel({
      http,
      config,
      provenance: readProvenance(host.env),
      log: host.log,
      progress: {}
    })
  return { host, config, http, register, close: () => dispatcher.close() }
}

describe('oauth-client-credentials token expiry', () => {
  it('refreshes before expiry without a 401', async () => {
    const clock = { now: Date.now() }
    const inputs = registrationInputs('oauth-early')
    const steps = composeRun(inputs, () => clock.now)
    const before = stack.provider.issuedTokens.length
    try {
      await runPreflight(steps.http, steps.config.modelName, steps.host.log)
      // The client's clock passes the token's refresh time; the server's
      // has not reached its expiry.
      clock.now += 10 * 60_000
      const registration = await steps.register()

      expect(registration.outcome).toBe('registered')
    } finally {
      await steps.close()
    }

    expect(stack.provider.issuedTokens.length - before).toBe(2)
    expect(logText(steps.host)).not.toContain('rejected the access token')
    expect(await versionNumbers(inputs['model-name'] ?? '')).toEqual(['1'])
  })

  it('refreshes a token expired between calls once', async () => {
    // A frozen clock makes the client keep its token past the
    // expiry that the server checks.
    const frozen = Date.now()
    const inputs = registrationInputs('oauth-expired')
    const steps = composeRun(inputs, () => frozen)
    const before = stack.provider.issuedTokens.length
    try {
      await runPreflight(steps.http, steps.config.modelName, steps.host.log)
      await sleep(6_000)
      const registration = await steps.register()

      expect(registration.outcome).toBe('registered')
    } finally {
      await steps.close()
    }
    const issued = stack.provider.issuedTokens.length - before
    const rejections = steps.host.lines.filter(line =>
      line.message.includes('rejected the access token')
    )

    expect(issued).toBeGreaterThanOrEqual(2)
    expect(rejections).toHaveLength(issued - 1)
    expect(await versionNumbers(inputs['model-name'] ?? '')).toEqual(['1'])
  })
})

// A real server cannot be made to reject exactly the create call, so the
// fake replaces MLflow here, with the real provider.
describe('oauth-client-credentials create rejected as invalid_token', () => {
  it('sends the create once more and commits once', async () => {
    const fake = await startFakeServer()
    fake.faults.add({
      method: 'POST',
      path: 'model-versions/create',
      times: 1,
      respond: {
        status: 401,
        headers: { 'WWW-Authenticate': 'Bearer error="invalid_token"' },
        body: 'The access token expired'
      }
    })
    const before = stack.provider.issuedTokens.length
    const model = uniqueModelName('oauth-create')
    try {
      const run = await runAction({
        ...oauthInputs(stack),
        'tracking-uri': fake.url,
        'model-name': model,
        'model-path': 'examples/model'
      })
      const creates = fake.requests.matching({
        method: 'POST',
        path: 'model-versions/create'
      })
      const versions = await mlflowApi<{ model_versions?: unknown[] }>(
        { name: 'fake', url: fake.url, pid: 0, dir: '', log: '' },
        'GET',
        'model-versions/search',
        { query: { filter: `name = '${model}'` } }
      )

      expect(run.result.outcome).toBe('registered')
      expect(creates).toHaveLength(2)
      expect(versions.model_versions).toHaveLength(1)
      expect(stack.provider.issuedTokens.length - before).toBe(2)
      expect(creates[0]?.headers.authorization).not.toBe(
        creates[1]?.headers.authorization
      )
    } finally {
      await fake.close()
    }
  })
})
