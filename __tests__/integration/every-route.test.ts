import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  createPrivateCa,
  type CertificateFiles,
  type PrivateCa
} from '../support/pki.js'
import {
  createTarget,
  runAction,
  targetInputs,
  type ActionRun,
  type Target
} from '../support/registration.js'
import { basicHeader, uniqueModelName } from '../support/servers.js'
import { startTlsFront, type TlsFront } from '../support/tls-front.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

// Tracking, artifact and registry calls are built in different modules.
// nginx in front of the basic-auth server requires the client certificate
// and the user's exact Basic header on every route, so a call that missed
// either setting fails the registration.

let ca: PrivateCa
let client: CertificateFiles
let target: Target
let strict: TlsFront
let registryDenied: TlsFront

beforeAll(async () => {
  ca = createPrivateCa('MLflow Route Test CA')
  client = ca.issueClient('ci-bot')
  target = await createTarget('basicAuth')
  const { username = '', password = '' } = target.user ?? {}
  const header = basicHeader(username, password)
  const server = ca.issueServer('server', ['127.0.0.1'])
  strict = await startTlsFront(target.server.url, server, {
    clientCa: ca.cert,
    location: `if ($http_authorization != "${header}") { return 401; }`
  })
  registryDenied = await startTlsFront(target.server.url, server, {
    clientCa: ca.cert,
    location:
      'if ($uri ~ "/registered-models/") { ' +
      'add_header WWW-Authenticate \'Basic realm="mlflow"\' always; ' +
      'return 401; }'
  })
})

afterAll(async () => {
  await strict.stop()
  await registryDenied.stop()
})

function register(url: string, mode = 'register'): Promise<ActionRun> {
  return runAction({
    ...targetInputs(target),
    mode,
    'tracking-uri': url,
    'ca-cert': ca.cert,
    'client-cert': client.cert,
    'client-key': client.key,
    'model-name': uniqueModelName('every-route'),
    'model-path': 'examples/model',
    aliases: 'champion',
    'max-attempts': '1'
  })
}

describe('one set of credentials on every route', () => {
  let run: ActionRun
  let lines: string[]

  beforeAll(async () => {
    run = await register(strict.url)
    lines = strict.requests()
  })

  it('registers through nginx', () => {
    expect(run.result.outcome).toBe('registered')
  })

  it('passes the check on every request', () => {
    expect(lines.length).toBeGreaterThan(5)
    expect(lines.filter(line => / 40[13]$/.test(line))).toEqual([])
  })

  it.each([
    ['tracking', /^POST \/api\/2\.0\/mlflow\/runs\/create /],
    ['artifact', /^PUT \/api\/2\.0\/mlflow-artifacts\/artifacts\//],
    ['registry', /^POST \/api\/2\.0\/mlflow\/model-versions\/create /],
    ['alias', /^POST \/api\/2\.0\/mlflow\/registered-models\/alias /]
  ])('sends %s calls through it', (_, pattern) => {
    expect(lines.some(line => pattern.test(line))).toBe(true)
  })
})

describe('a 401 on the registry routes only', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await register(registryDenied.url, 'preflight')
  })

  it('fails the preflight', () => {
    expect(run.result.outcome).toBe('failed')
    expect(run.result.diagnosis?.code).toMatch(/^AUTH_/)
  })

  it('names the registry endpoint', () => {
    expect(run.result.diagnosis?.evidence).toMatchObject({
      request: expect.stringContaining('registered-models/get') as unknown
    })
  })

  it('writes nothing', () => {
    const writes = registryDenied
      .requests()
      .filter(line => /^(POST|PUT|PATCH|DELETE) /.test(line))
    expect(writes).toEqual([])
  })
})
