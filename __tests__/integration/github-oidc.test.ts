import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { startFakeServer } from '../../src/fake-server/index.js'
import {
  GITHUB_CLAIMS,
  startGitHubOidcStandIn,
  type GitHubOidcStandIn
} from '../support/github-oidc-standin.js'
import {
  startOAuthProvider,
  type OAuthTestProvider
} from '../support/oauth-provider.js'
import { startJwtMlflow, type JwtMlflow } from '../support/oauth-stack.js'
import {
  githubEnv,
  leakedSecrets,
  runAction,
  type ActionRun
} from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'
import { closedLoopbackUrl } from '../support/spawn-node.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(180_000)

const AUDIENCE = 'mlflow-register-tests'

let standIn: GitHubOidcStandIn
let server: JwtMlflow
const savedEnv = { ...process.env }

beforeAll(async () => {
  standIn = await startGitHubOidcStandIn()
  // getIDToken in @actions/core reads these from process.env.
  Object.assign(process.env, standIn.env)
  server = await startJwtMlflow({
    jwksUri: standIn.jwksUri,
    issuer: standIn.issuer,
    audience: AUDIENCE,
    users: [GITHUB_CLAIMS.sub]
  })
})

afterAll(async () => {
  process.env = savedEnv
  await server.stop()
  await standIn.stop()
})

function errorMessage(run: ActionRun): string {
  return run.host.lines.find(line => line.level === 'error')?.message ?? ''
}

function registration(inputs: Record<string, string>) {
  return {
    'tracking-uri': server.mlflow.url,
    'auth-mode': 'github-oidc',
    'oidc-audience': AUDIENCE,
    'model-name': uniqueModelName('oidc'),
    'model-path': 'examples/model',
    'experiment-name': uniqueModelName('oidc-uploads'),
    ...inputs
  }
}

describe('github-oidc with the ID token as Bearer token', () => {
  it('registers through JWT-validating MLflow', async () => {
    const before = standIn.issuedTokens.length
    const run = await runAction(registration({ 'oidc-exchange': 'id-token' }), {
      ...githubEnv(),
      ...standIn.env
    })
    const tokens = standIn.issuedTokens.slice(before)
    const log = run.host.lines.map(line => line.message).join('\n')

    expect(run.result.outcome).toBe('registered')
    expect(run.host.outputs.get('auth-mode')).toBe('github-oidc')
    expect(log).toContain(
      `GitHub ID token: iss ${standIn.issuer}, sub ${GITHUB_CLAIMS.sub}, ` +
        `aud ${AUDIENCE}`
    )
    expect(tokens.length).toBeGreaterThan(0)
    for (const token of tokens) expect(run.host.secrets).toContain(token)
    expect(leakedSecrets(run.host, tokens)).toEqual([])
  })

  it('wrong audience is AUTH_REJECTED', async () => {
    const run = await runAction(
      registration({
        'oidc-exchange': 'id-token',
        'oidc-audience': 'another-audience'
      }),
      { ...githubEnv(), ...standIn.env }
    )

    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_REJECTED')
    expect(leakedSecrets(run.host, standIn.issuedTokens)).toEqual([])
  })
})

describe('github-oidc token exchange at oidc-provider', () => {
  const EXCHANGE_AUDIENCE = 'urn:mlflow-register:exchange-tests'
  const MAIN_CLIENT = 'mlflow-register-main'
  // A policy for another subject, as for jobs in the prod environment.
  const PROD_CLIENT = 'mlflow-register-prod'
  let provider: OAuthTestProvider
  let exchangeServer: JwtMlflow

  beforeAll(async () => {
    provider = await startOAuthProvider({
      clients: [],
      audience: EXCHANGE_AUDIENCE,
      accessTokenTtlSeconds: 60,
      tokenExchange: {
        jwksUri: standIn.jwksUri,
        issuer: standIn.issuer,
        subjects: {
          [MAIN_CLIENT]: GITHUB_CLAIMS.sub,
          [PROD_CLIENT]: 'repo:hokusai/mlflow-register:environment:prod'
        }
      }
    })
    exchangeServer = await startJwtMlflow({
      jwksUri: provider.jwksUri,
      issuer: provider.issuer,
      audience: EXCHANGE_AUDIENCE,
      // A client credentials style token has the client ID as `sub`.
      users: [MAIN_CLIENT]
    })
  })

  afterAll(async () => {
    await exchangeServer.stop()
    await provider.stop()
  })

  function exchangeInputs(clientId: string) {
    return registration({
      'tracking-uri': exchangeServer.mlflow.url,
      'oidc-exchange': 'token-exchange',
      'token-endpoint': provider.tokenEndpoint,
      'client-id': clientId
    })
  }

  it('registers with the exchanged token', async () => {
    const before = provider.issuedTokens.length
    const run = await runAction(exchangeInputs(MAIN_CLIENT), {
      ...githubEnv(),
      ...standIn.env
    })
    const exchanged = provider.issuedTokens.slice(before)

    expect(run.result.outcome).toBe('registered')
    expect(exchanged).toHaveLength(1)
    for (const token of exchanged) expect(run.host.secrets).toContain(token)
    expect(
      leakedSecrets(run.host, [...exchanged, ...standIn.issuedTokens])
    ).toEqual([])
  })

  it('claim mismatch is AUTH_REJECTED showing the claims', async () => {
    const run = await runAction(exchangeInputs(PROD_CLIENT), {
      ...githubEnv(),
      ...standIn.env
    })
    const message = errorMessage(run)

    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_REJECTED')
    expect(message).toContain('invalid_grant')
    expect(message).toContain(`subject '${GITHUB_CLAIMS.sub}'`)
    expect(message).toContain(`audience '${AUDIENCE}'`)
    expect(message).toContain(`issuer '${standIn.issuer}'`)
    expect(leakedSecrets(run.host, standIn.issuedTokens)).toEqual([])
  })
})

describe('github-oidc without an ID token', () => {
  it('missing permission is CLIENT_CONFIG with no request', async () => {
    const fake = await startFakeServer()
    const before = standIn.requestCount()
    try {
      const run = await runAction(
        registration({ 'tracking-uri': fake.url, 'oidc-exchange': 'id-token' }),
        githubEnv()
      )

      expect(run.host.outputs.get('diagnosis')).toBe('CLIENT_CONFIG')
      expect(errorMessage(run)).toContain('id-token: write')
      expect(fake.requests.entries).toHaveLength(0)
      expect(standIn.requestCount()).toBe(before)
    } finally {
      await fake.close()
    }
  })

  it('fork pull request is CLIENT_CONFIG naming forks', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'oidc-event-'))
    const eventPath = path.join(dir, 'event.json')
    writeFileSync(
      eventPath,
      JSON.stringify({
        pull_request: {
          head: { repo: { fork: true, full_name: 'someone/mlflow-register' } },
          base: { repo: { full_name: 'hokusai/mlflow-register' } }
        }
      })
    )
    try {
      const run = await runAction(
        registration({ 'oidc-exchange': 'id-token' }),
        {
          ...githubEnv(),
          GITHUB_EVENT_NAME: 'pull_request',
          GITHUB_EVENT_PATH: eventPath
        }
      )

      expect(run.host.outputs.get('diagnosis')).toBe('CLIENT_CONFIG')
      expect(errorMessage(run)).toContain('pull request from a fork')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})

describe('github-oidc sync of a deferred registration', () => {
  const model = uniqueModelName('oidc-sync')
  let bundleDir: string
  let trackingUri: string
  let laterServer: JwtMlflow | undefined
  let deferred: ActionRun
  let synced: ActionRun
  let resynced: ActionRun
  let syncTokens: string[] = []

  function oidcInputs(): Record<string, string> {
    return {
      'tracking-uri': trackingUri,
      'auth-mode': 'github-oidc',
      'oidc-audience': AUDIENCE,
      'oidc-exchange': 'id-token',
      'bundle-dir': bundleDir
    }
  }

  beforeAll(async () => {
    bundleDir = mkdtempSync(path.join(tmpdir(), 'oidc-sync-'))
    // Nothing listens on this port yet, so the registration is deferred;
    // then MLflow starts on it, as a server coming back would.
    trackingUri = await closedLoopbackUrl()
    const env = { ...githubEnv(), ...standIn.env }
    deferred = await runAction(
      {
        ...oidcInputs(),
        'model-name': model,
        'model-path': 'examples/model',
        'experiment-name': uniqueModelName('oidc-sync-uploads'),
        'max-attempts': '1'
      },
      env
    )
    laterServer = await startJwtMlflow({
      jwksUri: standIn.jwksUri,
      issuer: standIn.issuer,
      audience: AUDIENCE,
      users: [GITHUB_CLAIMS.sub],
      port: Number(new URL(trackingUri).port)
    })
    const before = standIn.issuedTokens.length
    synced = await runAction({ ...oidcInputs(), mode: 'sync' }, env)
    syncTokens = standIn.issuedTokens.slice(before)
    resynced = await runAction({ ...oidcInputs(), mode: 'sync' }, env)
  })

  afterAll(async () => {
    await laterServer?.stop()
    rmSync(bundleDir, { recursive: true, force: true })
  })

  function reportOf(run: ActionRun): Record<string, unknown>[] {
    const report = run.host.outputs.get('sync-report') ?? '[]'
    return JSON.parse(report) as Record<string, unknown>[]
  }

  it('defers while the port is closed', () => {
    expect(deferred.result.outcome).toBe('deferred')
    expect(deferred.host.outputs.get('diagnosis')).toBe('UNREACHABLE')
  })

  it('syncs the bundle with the ID token', () => {
    expect(synced.result.outcome).toBe('synced')
    expect(synced.host.outputs.get('auth-mode')).toBe('github-oidc')
    expect(reportOf(synced)).toEqual([
      expect.objectContaining({ model, status: 'synced', version: '1' })
    ])
    expect(syncTokens.length).toBeGreaterThan(0)
    for (const token of syncTokens) expect(synced.host.secrets).toContain(token)
  })

  it('removes the synced bundle', () => {
    const pending = readdirSync(bundleDir).filter(
      name => !name.startsWith('.') && !name.endsWith('.lock')
    )
    expect(pending).toEqual([])
    expect(reportOf(resynced)).toEqual([])
  })

  it('leaks no ID token', () => {
    for (const run of [deferred, synced, resynced]) {
      expect(leakedSecrets(run.host, standIn.issuedTokens)).toEqual([])
    }
  })
})
