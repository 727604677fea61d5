import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { startFakeServer } from '../../src/fake-server/index.js'
import {
  startGitHubOidcStandIn,
  type GitHubOidcStandIn
} from '../support/github-oidc-standin.js'
import { githubEnv, leakedSecrets, runAction } from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const TENANT = '8a1e2f3c-0000-4000-8000-000000000001'
const APP = 'azure-app-for-tests'
const ARM_TOKEN = 'arm-access-token-for-tests'

/**
 * Starts a loopback stand-in for Entra ID's token endpoint.
 * oidc-provider is not used here because it accepts only client
 * assertions that the client signed itself (`iss` and `sub` equal to the
 * client ID), while Entra's federated credentials take a GitHub ID
 * token, whose issuer is GitHub.
 * The stand-in checks what Entra checks in the request: the tenant path,
 * the client, the assertion type, the scope, and that the assertion is a
 * GitHub ID token for the api://AzureADTokenExchange audience.
 */
async function startEntraStandIn(standIn: GitHubOidcStandIn) {
  const bodies: URLSearchParams[] = []
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const body = new URLSearchParams(Buffer.concat(chunks).toString())
      bodies.push(body)
      const assertion = body.get('client_assertion') ?? ''
      const claims = JSON.parse(
        Buffer.from(assertion.split('.')[1] ?? '', 'base64url').toString() ||
          '{}'
      ) as { aud?: string }
      const valid =
        request.url === `/${TENANT}/oauth2/v2.0/token` &&
        body.get('client_id') === APP &&
        standIn.issuedTokens.includes(assertion) &&
        claims.aud === 'api://AzureADTokenExchange'
      const reply = valid
        ? { access_token: ARM_TOKEN, token_type: 'Bearer', expires_in: 3599 }
        : { error: 'invalid_client', error_description: 'AADSTS70021' }
      response
        .writeHead(valid ? 200 : 401, { 'content-type': 'application/json' })
        .end(JSON.stringify(reply))
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    authority: `http://127.0.0.1:${port}`,
    bodies,
    stop: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

let standIn: GitHubOidcStandIn
let entra: Awaited<ReturnType<typeof startEntraStandIn>>
const savedEnv = { ...process.env }

beforeAll(async () => {
  standIn = await startGitHubOidcStandIn()
  // getIDToken in @actions/core reads these from process.env.
  Object.assign(process.env, standIn.env)
  entra = await startEntraStandIn(standIn)
})

afterAll(async () => {
  process.env = savedEnv
  await entra.stop()
  await standIn.stop()
})

/** The job's variables with the app that the Entra stand-in trusts. */
function azureEnv(): NodeJS.ProcessEnv {
  return {
    ...githubEnv(),
    ...standIn.env,
    AZURE_TENANT_ID: TENANT,
    AZURE_CLIENT_ID: APP,
    AZURE_AUTHORITY_HOST: entra.authority
  }
}

/**
 * Starts the fake server in place of Azure ML's MLflow API, which takes
 * the Azure Resource Manager token as a Bearer token.
 */
function startAzureMlFake() {
  return startFakeServer({
    auth: {
      mode: 'basic',
      users: [{ username: 'azure-app', password: 'unused-password-1' }],
      tokens: { [ARM_TOKEN]: 'azure-app' },
      defaultPermission: 'EDIT'
    }
  })
}

describe('github-oidc with the Azure preset', () => {
  it('signs in with the ID token as assertion', async () => {
    const fake = await startAzureMlFake()
    try {
      const run = await runAction(
        {
          'tracking-uri': fake.url,
          'auth-mode': 'github-oidc',
          'model-name': uniqueModelName('azure'),
          'model-path': 'examples/model'
        },
        azureEnv()
      )
      const body = entra.bodies.at(-1)

      expect(run.result.outcome).toBe('registered')
      expect(body?.get('grant_type')).toBe('client_credentials')
      expect(body?.get('scope')).toBe('https://management.azure.com/.default')
      expect(body?.get('client_assertion_type')).toBe(
        'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
      )
      expect(run.host.secrets).toContain(ARM_TOKEN)
      expect(
        leakedSecrets(run.host, [ARM_TOKEN, ...standIn.issuedTokens])
      ).toEqual([])
    } finally {
      await fake.close()
    }
  })

  it('rejected app is AUTH_REJECTED with claims', async () => {
    const fake = await startFakeServer()
    try {
      const run = await runAction(
        {
          'tracking-uri': fake.url,
          'auth-mode': 'github-oidc',
          'model-name': uniqueModelName('azure'),
          source: 'runs:/0123456789abcdef/model'
        },
        {
          ...githubEnv(),
          ...standIn.env,
          AZURE_TENANT_ID: TENANT,
          AZURE_CLIENT_ID: 'another-app',
          AZURE_AUTHORITY_HOST: entra.authority
        }
      )
      const message =
        run.host.lines.find(line => line.level === 'error')?.message ?? ''

      expect(run.host.outputs.get('diagnosis')).toBe('AUTH_REJECTED')
      expect(message).toContain('invalid_client')
      expect(message).toContain('api://AzureADTokenExchange')
      expect(leakedSecrets(run.host, standIn.issuedTokens)).toEqual([])
    } finally {
      await fake.close()
    }
  })

  it('preflight report leaves out oidc-exchange', async () => {
    const fake = await startAzureMlFake()
    const report = path.join(
      mkdtempSync(path.join(tmpdir(), 'azure-report-')),
      'report.md'
    )
    try {
      const run = await runAction(
        {
          'tracking-uri': fake.url,
          'auth-mode': 'github-oidc',
          mode: 'preflight',
          'model-name': uniqueModelName('azure'),
          'report-path': report
        },
        azureEnv()
      )
      const text = readFileSync(report, 'utf8')

      expect(run.result.outcome).toBe('checked')
      expect(text).toContain('| Auth mode | github-oidc |')
      expect(text).not.toContain('oidc-exchange')
    } finally {
      await fake.close()
    }
  })

  it('explicit token-exchange stops before any request', async () => {
    const requests = entra.bodies.length
    const run = await runAction(
      {
        'tracking-uri': 'http://127.0.0.1:9/',
        'auth-mode': 'github-oidc',
        'oidc-exchange': 'token-exchange',
        mode: 'preflight',
        'model-name': uniqueModelName('azure')
      },
      azureEnv()
    )
    const message =
      run.host.lines.find(line => line.level === 'error')?.message ?? ''

    expect(run.host.outputs.get('diagnosis')).toBe('CLIENT_CONFIG')
    expect(message).toContain('input `oidc-exchange`')
    expect(message).toContain('AZURE_TENANT_ID (input `azure-tenant-id`)')
    expect(run.host.summary).not.toContain('oidc-exchange: input')
    expect(entra.bodies).toHaveLength(requests)
  })
})
