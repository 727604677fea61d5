import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

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
import {
  startWorkspaceFront,
  type WorkspaceFront
} from '../support/workspace-front.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(180_000)

const AUDIENCE = 'urn:mlflow-register:databricks-tests'
const SERVICE_PRINCIPAL = {
  clientId: 'databricks-sp-ci',
  clientSecret: 'dose-databricks-secret-for-tests'
}
const FEDERATED_PRINCIPAL = 'databricks-sp-federated'

let provider: OAuthTestProvider
let mlflow: JwtMlflow
let front: WorkspaceFront
let standIn: GitHubOidcStandIn
const savedEnv = { ...process.env }

beforeAll(async () => {
  standIn = await startGitHubOidcStandIn()
  // getIDToken in @actions/core reads these from process.env.
  Object.assign(process.env, standIn.env)
  provider = await startOAuthProvider({
    clients: [SERVICE_PRINCIPAL],
    audience: AUDIENCE,
    accessTokenTtlSeconds: 60,
    tokenPath: '/oidc/v1/token',
    scope: 'all-apis',
    tokenExchange: {
      jwksUri: standIn.jwksUri,
      issuer: standIn.issuer,
      subjects: { [FEDERATED_PRINCIPAL]: GITHUB_CLAIMS.sub }
    }
  })
  mlflow = await startJwtMlflow({
    jwksUri: provider.jwksUri,
    issuer: provider.issuer,
    audience: AUDIENCE,
    users: [SERVICE_PRINCIPAL.clientId, FEDERATED_PRINCIPAL]
  })
  front = await startWorkspaceFront({
    provider: provider.issuer,
    mlflow: mlflow.mlflow.url
  })
})

afterAll(async () => {
  process.env = savedEnv
  await front.stop()
  await mlflow.stop()
  await provider.stop()
  await standIn.stop()
})

function registration(inputs: Record<string, string> = {}) {
  return {
    'tracking-uri': 'databricks',
    'model-name': uniqueModelName('databricks'),
    'model-path': 'examples/model',
    'experiment-name': uniqueModelName('databricks-uploads'),
    ...inputs
  }
}

function logText(run: ActionRun): string {
  return run.host.lines.map(line => line.message).join('\n')
}

function errorMessage(run: ActionRun): string {
  return run.host.lines.find(line => line.level === 'error')?.message ?? ''
}

/** Gets a token for the service principal, to stand in for a PAT. */
async function mintStaticToken(): Promise<string> {
  const basic = Buffer.from(
    `${SERVICE_PRINCIPAL.clientId}:${SERVICE_PRINCIPAL.clientSecret}`
  ).toString('base64')
  const response = await fetch(provider.tokenEndpoint, {
    method: 'POST',
    headers: {
      authorization: `Basic ${basic}`,
      'content-type': 'application/x-www-form-urlencoded'
    },
    body: 'grant_type=client_credentials&scope=all-apis'
  })
  const body = (await response.json()) as { access_token: string }
  return body.access_token
}

describe('databricks with OAuth machine-to-machine', () => {
  it('registers through the workspace origin', async () => {
    const before = provider.issuedTokens.length
    const run = await runAction(registration(), {
      ...githubEnv(),
      DATABRICKS_HOST: `${front.url}/`,
      DATABRICKS_CLIENT_ID: SERVICE_PRINCIPAL.clientId,
      DATABRICKS_CLIENT_SECRET: SERVICE_PRINCIPAL.clientSecret
    })
    const tokens = provider.issuedTokens.slice(before)

    expect(run.result.outcome).toBe('registered')
    expect(run.host.outputs.get('auth-mode')).toBe('databricks')
    expect(logText(run)).toContain('auth-mode auto chose databricks')
    expect(logText(run)).toContain(
      'Obtained an OAuth access token from ' + new URL(front.url).host
    )
    expect(tokens).toHaveLength(1)
    expect(run.host.secrets).toContain(SERVICE_PRINCIPAL.clientSecret)
    expect(
      leakedSecrets(run.host, [SERVICE_PRINCIPAL.clientSecret, ...tokens])
    ).toEqual([])
  })

  it('wrong secret is AUTH_REFRESH naming the host', async () => {
    const run = await runAction(registration(), {
      ...githubEnv(),
      DATABRICKS_HOST: `${front.url}?o=1`,
      DATABRICKS_CLIENT_ID: SERVICE_PRINCIPAL.clientId,
      DATABRICKS_CLIENT_SECRET: 'not-the-secret-for-tests'
    })

    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_REFRESH')
    expect(errorMessage(run)).toContain(new URL(front.url).host)
    expect(errorMessage(run)).toContain('invalid_client')
    expect(logText(run)).toContain('dropped the query and fragment')
    expect(leakedSecrets(run.host, ['not-the-secret-for-tests'])).toEqual([])
  })
})

describe('databricks with a personal access token', () => {
  it('registers with the static token', async () => {
    const token = await mintStaticToken()
    const before = provider.issuedTokens.length
    const run = await runAction(registration(), {
      ...githubEnv(),
      DATABRICKS_HOST: front.url,
      DATABRICKS_TOKEN: token
    })

    expect(run.result.outcome).toBe('registered')
    expect(run.host.outputs.get('auth-mode')).toBe('databricks')
    expect(provider.issuedTokens.length).toBe(before)
    expect(run.host.secrets).toContain(token)
    expect(leakedSecrets(run.host, [token])).toEqual([])
  })
})

describe('github-oidc with the Databricks preset', () => {
  it('exchanges the ID token at the workspace', async () => {
    const before = provider.issuedTokens.length
    const run = await runAction(
      registration({
        'auth-mode': 'github-oidc',
        'oidc-audience': 'databricks-account-for-tests'
      }),
      {
        ...githubEnv(),
        ...standIn.env,
        DATABRICKS_HOST: front.url,
        DATABRICKS_CLIENT_ID: FEDERATED_PRINCIPAL
      }
    )
    const exchanged = provider.issuedTokens.slice(before)

    expect(run.result.outcome).toBe('registered')
    expect(run.host.outputs.get('auth-mode')).toBe('github-oidc')
    expect(exchanged).toHaveLength(1)
    expect(
      leakedSecrets(run.host, [...exchanged, ...standIn.issuedTokens])
    ).toEqual([])
  })
})

describe('databricks configuration errors', () => {
  it('missing credentials is CLIENT_CONFIG', async () => {
    const run = await runAction(registration(), {
      ...githubEnv(),
      DATABRICKS_HOST: front.url
    })

    expect(run.host.outputs.get('diagnosis')).toBe('CLIENT_CONFIG')
    expect(errorMessage(run)).toContain('databricks-token')
  })
})

describe('databricks with a CLI profile', () => {
  const home = mkdtempSync(path.join(tmpdir(), 'databricks-profile-'))
  const file = path.join(home, 'profiles.cfg')
  let patToken: string

  beforeAll(async () => {
    patToken = await mintStaticToken()
    writeFileSync(
      file,
      [
        '[ci-token]',
        `host = ${front.url}/`,
        `token = ${patToken}`,
        '',
        '[ci-m2m]',
        `host = ${front.url}`,
        `client_id = ${SERVICE_PRINCIPAL.clientId}`,
        `client_secret = ${SERVICE_PRINCIPAL.clientSecret}`,
        '',
        '[ci-browser]',
        `host = ${front.url}`,
        'auth_type = databricks-cli'
      ].join('\n'),
      { mode: 0o600 }
    )
  })

  /** The job's variables, with HOME kept away from the real one. */
  function profileEnv(env: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
    return { ...githubEnv(), HOME: home, DATABRICKS_CONFIG_FILE: file, ...env }
  }

  function profileSecrets(): string[] {
    return [patToken, SERVICE_PRINCIPAL.clientSecret]
  }

  it('registers with a token profile', async () => {
    const before = provider.issuedTokens.length
    const run = await runAction(
      registration({ 'tracking-uri': 'databricks://ci-token' }),
      profileEnv()
    )

    expect(run.result.outcome).toBe('registered')
    expect(run.host.outputs.get('auth-mode')).toBe('databricks')
    expect(provider.issuedTokens.length).toBe(before)
    expect(logText(run)).toContain(`token from profile ci-token of ${file}`)
    expect(run.host.secrets).toContain(patToken)
    expect(leakedSecrets(run.host, profileSecrets())).toEqual([])
  })

  it('registers with an OAuth M2M profile', async () => {
    const before = provider.issuedTokens.length
    const run = await runAction(
      registration(),
      profileEnv({ DATABRICKS_CONFIG_PROFILE: 'ci-m2m' })
    )
    const tokens = provider.issuedTokens.slice(before)

    expect(run.result.outcome).toBe('registered')
    expect(tokens).toHaveLength(1)
    expect(run.host.secrets).toContain(SERVICE_PRINCIPAL.clientSecret)
    expect(leakedSecrets(run.host, [...profileSecrets(), ...tokens])).toEqual(
      []
    )
  })

  it('preflight report names the profile', async () => {
    const report = path.join(home, 'report.md')
    const run = await runAction(
      registration({
        'tracking-uri': 'databricks://ci-token',
        mode: 'preflight',
        'report-path': report
      }),
      profileEnv()
    )
    const text = readFileSync(report, 'utf8')

    expect(run.result.outcome).toBe('checked')
    expect(text).toContain(`databricks-host: profile ci-token of ${file}`)
    expect(text).toContain(`databricks-token: profile ci-token of ${file}`)
    expect(text.includes(patToken)).toBe(false)
  })

  it.each([
    [
      'missing file',
      { 'tracking-uri': 'databricks://ci-token' },
      { DATABRICKS_CONFIG_FILE: path.join(home, 'absent.cfg') },
      'absent.cfg, which does not exist'
    ],
    [
      'missing DEFAULT file',
      { 'tracking-uri': 'databricks' },
      { DATABRICKS_CONFIG_FILE: '' },
      `${home}/.databrickscfg, which does not exist`
    ],
    [
      'missing profile',
      { 'tracking-uri': 'databricks://prod' },
      {},
      'has no profile [prod] (its profiles: ci-token, ci-m2m, ci-browser)'
    ],
    [
      'profile without credentials',
      { 'tracking-uri': 'databricks://ci-browser' },
      {},
      'auth_type databricks-cli is not supported'
    ],
    [
      'secret scope URI',
      { 'tracking-uri': 'databricks://scope:prefix' },
      {},
      'secret scope and key prefix'
    ],
    [
      'host of another workspace',
      { 'tracking-uri': 'databricks://ci-token' },
      { DATABRICKS_HOST: 'https://dbc-other.cloud.databricks.com' },
      'supplies the token'
    ]
  ])('%s is CLIENT_CONFIG', async (_case, inputs, env, message) => {
    const requests = provider.issuedTokens.length
    const run = await runAction(registration(inputs), profileEnv(env))

    expect(run.host.outputs.get('diagnosis')).toBe('CLIENT_CONFIG')
    expect(errorMessage(run)).toContain(message)
    expect(provider.issuedTokens.length).toBe(requests)
    expect(leakedSecrets(run.host, profileSecrets())).toEqual([])
  })
})
