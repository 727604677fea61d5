/**
 * Real nginx in front of the plain MLflow server, answering the way
 * reverse proxies do when they are set up for browsers or for another
 * path: a path prefix, an HTML login page with status 200, a 302 to a
 * login host, an http-to-https redirect, a 308 to the same path with a
 * trailing slash, a body-size limit and a 401 on the registry routes
 * alone. Each behaviour lives under its own path prefix of one nginx.
 */
import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { startNginx, type Nginx } from '../support/nginx.js'
import {
  createTarget,
  runAction,
  targetInputs,
  type ActionRun,
  type Target
} from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const TOKEN = 'proxy-answers-test-token-5f0c2e'
const LOGIN_PAGE =
  '<!doctype html><html><head><title>Sign in - Example SSO</title>' +
  '</head><body><form>Sign in</form></body></html>'

let target: Target
let nginx: Nginx

beforeAll(async () => {
  target = await createTarget('plain')
  const upstream = target.server.url
  nginx = await startNginx(
    port => `log_format requests '$request_method $uri $status';
  server {
    listen 127.0.0.1:${port};
    access_log requests.log requests;
    client_max_body_size 100m;
    location /mlflow/ {
      proxy_pass ${upstream}/;
    }
    location /small/ {
      client_max_body_size 1k;
      proxy_pass ${upstream}/;
    }
    location /registry-locked/api/2.0/mlflow/registered-models/ {
      add_header WWW-Authenticate 'Basic realm="registry"' always;
      return 401;
    }
    location /registry-locked/ {
      proxy_pass ${upstream}/;
    }
    location /sso-page/ {
      default_type text/html;
      return 200 '${LOGIN_PAGE}';
    }
    location /sso-redirect/ {
      return 302 https://login.example.test/authorize?client_id=mlflow;
    }
    location ~ ^/slash/(.+/(get|create))$ {
      return 308 /slash/$1/$is_args$args;
    }
    location ~ ^/slash/(.+)/$ {
      if ($http_authorization != "Bearer ${TOKEN}") { return 401; }
      proxy_pass ${upstream}/$1$is_args$args;
    }
    location /slash/ {
      proxy_pass ${upstream}/;
    }
    location /plain-http/ {
      return 301 https://127.0.0.1:${port}$request_uri;
    }
  }`
  )
})

afterAll(async () => {
  await nginx.stop()
})

/** The access log lines so far, as `METHOD path status`. */
function requests(): string[] {
  const log = path.join(nginx.dir, 'requests.log')
  return readFileSync(log, 'utf8').split('\n').filter(Boolean)
}

/** Requests whose path starts with `prefix`. */
function requestsUnder(prefix: string): string[] {
  return requests().filter(line => line.split(' ')[1]?.startsWith(prefix))
}

function register(
  trackingUri: string,
  inputs: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction({
    ...targetInputs(target),
    'tracking-uri': trackingUri,
    'model-name': uniqueModelName('proxy-answers'),
    'model-path': 'examples/model',
    'max-attempts': '3',
    ...inputs
  })
}

/** Checks what every refusal by a proxy must hold. */
function expectFinalFailure(run: ActionRun): void {
  expect(run.result.outcome).toBe('failed')
  expect(run.result.bundle).toBeUndefined()
  expect(run.host.logText()).not.toContain('Retrying')
  expect(run.host.visibleText()).not.toContain(TOKEN)
}

describe('a server under a path prefix', () => {
  it('registers with the prefix', async () => {
    const run = await register(`${nginx.url}/mlflow`)
    expect(run.result.outcome).toBe('registered')
  })

  it('registers with a trailing slash', async () => {
    const run = await register(`${nginx.url}/mlflow/`)
    expect(run.result.outcome).toBe('registered')
  })

  it('sends no path with a double slash', () => {
    const paths = requestsUnder('/mlflow/').map(line => line.split(' ')[1])
    expect(paths.length).toBeGreaterThan(0)
    expect(paths.filter(line => line?.includes('//'))).toEqual([])
  })

  it('missing prefix is BASE_PATH', async () => {
    const run = await register(nginx.url)
    expect(run.result.diagnosis?.code).toBe('BASE_PATH')
    expect(run.result.diagnosis?.detail).toContain(
      `${nginx.url}/api/2.0/mlflow/`
    )
    expect(run.result.diagnosis?.detail).toContain('HTTP 404')
    expectFinalFailure(run)
  })
})

describe('a same-origin 308 to a trailing slash', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await register(`${nginx.url}/slash`, { token: TOKEN })
  })

  it('registers through the redirect', () => {
    expect(run.result.outcome).toBe('registered')
  })

  it('resends method, body and token', () => {
    const lines = requestsUnder('/slash/')

    expect(lines).toContain(
      'POST /slash/api/2.0/mlflow/model-versions/create 308'
    )
    expect(lines).toContain(
      'POST /slash/api/2.0/mlflow/model-versions/create/ 200'
    )
    expect(lines).toContain(
      'GET /slash/api/2.0/mlflow/registered-models/get/ 404'
    )
  })

  it('keeps the token out of the output', () => {
    expect(run.host.visibleText()).not.toContain(TOKEN)
  })
})

describe('a proxy that refuses only the registry routes', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await runAction({
      ...targetInputs(target),
      'tracking-uri': `${nginx.url}/registry-locked`,
      'model-name': uniqueModelName('proxy-answers'),
      'auth-mode': 'bearer',
      token: TOKEN,
      mode: 'preflight'
    })
  })

  it('fails the preflight', () => {
    expect(run.result.diagnosis?.code).toBe('AUTH_REJECTED')
  })

  it('names the registry endpoint', () => {
    const endpoint =
      `${nginx.url}/registry-locked/api/2.0/mlflow/` + 'registered-models/'
    expect(run.result.diagnosis?.evidence.request).toContain(endpoint)
    expect(run.host.logText()).toContain(endpoint)
  })

  it('stops at the registry read', () => {
    const sent = requestsUnder('/registry-locked/')
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatch(/registered-models\/\S+ 401$/)
    expectFinalFailure(run)
  })
})

describe('an access proxy that serves a login page', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await register(`${nginx.url}/sso-page`, {
      'auth-mode': 'bearer',
      token: TOKEN
    })
  })

  it('200 login page is PROXY_LOGIN', () => {
    expect(run.result.diagnosis?.code).toBe('PROXY_LOGIN')
  })

  it('message names the URL, status and title', () => {
    const detail = run.result.diagnosis?.detail ?? ''
    expect(detail).toContain(`${nginx.url}/sso-page/api/2.0/mlflow/`)
    expect(detail).toContain('HTTP 200')
    expect(detail).toContain('"Sign in - Example SSO"')
    expect(run.result.diagnosis?.evidence.contentType).toBe('text/html')
  })

  it('stops after the first call', () => {
    expect(requestsUnder('/sso-page/')).toHaveLength(1)
    expectFinalFailure(run)
  })
})

describe('an access proxy that redirects to a login host', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await register(`${nginx.url}/sso-redirect`, {
      'auth-mode': 'bearer',
      token: TOKEN
    })
  })

  it('302 to another host is PROXY_LOGIN', () => {
    expect(run.result.diagnosis?.code).toBe('PROXY_LOGIN')
  })

  it('message names the login host without the query', () => {
    const detail = run.result.diagnosis?.detail ?? ''
    expect(detail).toContain('https://login.example.test/authorize')
    expect(detail).not.toContain('client_id=mlflow')
  })

  it('stops after the first call', () => {
    expect(requestsUnder('/sso-redirect/')).toHaveLength(1)
    expectFinalFailure(run)
  })
})

describe('a proxy that redirects http to https', () => {
  it('redirect to https is CLIENT_CONFIG', async () => {
    const run = await register(`${nginx.url}/plain-http`, {
      'auth-mode': 'bearer',
      token: TOKEN
    })
    expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
    expect(run.result.diagnosis?.fix).toContain(
      `https://127.0.0.1:${nginx.port}`
    )
    expect(requestsUnder('/plain-http/')).toHaveLength(1)
    expectFinalFailure(run)
  })
})

describe('a proxy with a small body limit', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await register(`${nginx.url}/small`)
  })

  it('upload over the limit is PAYLOAD_TOO_LARGE', () => {
    expect(run.result.diagnosis?.code).toBe('PAYLOAD_TOO_LARGE')
  })

  it('message names nginx as the responder', () => {
    expect(run.result.diagnosis?.detail).toContain('nginx')
    expect(run.result.diagnosis?.evidence.status).toBe(413)
  })

  it('message names the file and its size', () => {
    const file = path.resolve('examples/model/model.skops')
    const bytes = statSync(file).size
    expect(run.result.diagnosis?.detail).toContain(
      `the file ${file} (5.4 KiB, ${bytes} bytes)`
    )
    expect(run.result.diagnosis?.fix).toContain('to at least 5.4 KiB')
  })

  it('creates no model version', () => {
    const creates = requestsUnder('/small/').filter(line =>
      line.includes('model-versions/create')
    )
    expect(creates).toEqual([])
    expectFinalFailure(run)
  })
})
