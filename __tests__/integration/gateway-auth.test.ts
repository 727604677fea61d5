/**
 * Real nginx in front of the plain MLflow server, asking for its own
 * credentials (`auth_basic` with the realm "Corp gateway") or rewriting
 * the Host header (`proxy_set_header Host`), so that MLflow's host check
 * receives another name than the action sent. The diagnoses must name the
 * proxy, not MLflow's basic-auth app or the Host the action sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { startNginx, type Nginx } from '../support/nginx.js'
import {
  createTarget,
  leakedSecrets,
  runAction,
  targetInputs,
  type ActionRun,
  type Target
} from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const GATEWAY_USER = 'ci-gateway'
const GATEWAY_PASSWORD = `gateway-${randomBytes(8).toString('hex')}`
const TOKEN = 'gateway-auth-test-token-7d41a9'
const REWRITTEN_HOST = 'mlflow.example.test'

let target: Target
let nginx: Nginx
let passwordDir: string

beforeAll(async () => {
  target = await createTarget('plain')
  // nginx reads `{PLAIN}` entries as cleartext passwords, which keeps
  // the test free of a hashing tool.
  passwordDir = mkdtempSync(path.join(tmpdir(), 'gateway-auth-'))
  const passwordFile = path.join(passwordDir, 'htpasswd')
  writeFileSync(passwordFile, `${GATEWAY_USER}:{PLAIN}${GATEWAY_PASSWORD}\n`)
  const upstream = target.server.url
  nginx = await startNginx(
    port => `server {
    listen 127.0.0.1:${port};
    client_max_body_size 100m;
    location /gateway/ {
      auth_basic "Corp gateway";
      auth_basic_user_file ${passwordFile};
      proxy_pass ${upstream}/;
    }
    location /rewrite/ {
      proxy_set_header Host ${REWRITTEN_HOST};
      proxy_pass ${upstream}/;
    }
  }`
  )
})

afterAll(async () => {
  await nginx.stop()
  rmSync(passwordDir, { recursive: true, force: true })
})

function register(
  prefix: string,
  inputs: Record<string, string>
): Promise<ActionRun> {
  return runAction({
    ...targetInputs(target),
    'tracking-uri': `${nginx.url}${prefix}`,
    'model-name': uniqueModelName('gateway-auth'),
    'model-path': 'examples/model',
    'max-attempts': '2',
    ...inputs
  })
}

describe('nginx auth_basic in front of MLflow', () => {
  it('gateway credentials register', async () => {
    const run = await register('/gateway', {
      username: GATEWAY_USER,
      password: GATEWAY_PASSWORD
    })
    expect(run.result.outcome).toBe('registered')
  })

  describe('with a bearer token', () => {
    let run: ActionRun

    beforeAll(async () => {
      run = await register('/gateway', { 'auth-mode': 'bearer', token: TOKEN })
    })

    it('is AUTH_REJECTED', () => {
      expect(run.result.diagnosis?.code).toBe('AUTH_REJECTED')
    })

    it('names the proxy, realm and Server header', () => {
      const detail = run.result.diagnosis?.detail ?? ''
      expect(detail).toMatch(/^A proxy or gateway in front of MLflow/)
      expect(detail).toContain('realm "Corp gateway"')
      expect(detail).toContain('(Server: nginx/')
    })

    it('does not blame MLflow basic-auth', () => {
      const detail = run.result.diagnosis?.detail ?? ''
      expect(detail).not.toContain('accepts only a username')
      expect(run.result.diagnosis?.fix).not.toMatch(/^Use `auth-mode/)
    })

    it('keeps the token out of the output', () => {
      expect(leakedSecrets(run.host, [TOKEN])).toEqual([])
    })
  })

  describe('with MLflow basic credentials', () => {
    const mlflowUser = { username: 'ci-bot', password: 'mlflow-password' }
    let run: ActionRun

    beforeAll(async () => {
      run = await register('/gateway', mlflowUser)
    })

    it('is AUTH_REJECTED by the proxy', () => {
      expect(run.result.diagnosis?.code).toBe('AUTH_REJECTED')
      expect(run.result.diagnosis?.detail).toContain(
        "The proxy rejected the Basic credentials for user 'ci-bot'"
      )
    })

    it('points at the proxy users', () => {
      const fix = run.result.diagnosis?.fix ?? ''
      expect(fix).toContain('`auth_basic_user_file`')
      expect(fix).not.toContain('An admin can reset it')
    })

    it('keeps the password out of the output', () => {
      expect(leakedSecrets(run.host, [], mlflowUser)).toEqual([])
    })
  })

  it('no credentials is AUTH_MISSING naming the proxy', async () => {
    const run = await register('/gateway', {})
    expect(run.result.diagnosis?.code).toBe('AUTH_MISSING')
    expect(run.result.diagnosis?.detail).toContain('realm "Corp gateway"')
  })
})

describe('nginx rewriting the Host header', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await register('/rewrite', {})
  })

  it('host check is SERVER_CONFIG', () => {
    expect(run.result.diagnosis?.code).toBe('SERVER_CONFIG')
  })

  it('names the proxy that may rewrite Host', () => {
    const detail = run.result.diagnosis?.detail ?? ''
    expect(detail).toContain(`The action sent '127.0.0.1:${nginx.port}'`)
    expect(detail).toContain('through a proxy (Server: nginx/')
  })

  it('fix points at proxy_set_header Host', () => {
    const fix = run.result.diagnosis?.fix ?? ''
    expect(fix).toContain('`proxy_set_header Host`')
    expect(fix).not.toMatch(/^Add '127\.0\.0\.1/)
  })
})
