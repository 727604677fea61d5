import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  startForwardProxy,
  type ForwardProxy
} from '../support/forward-proxy.js'
import { startNginx, type Nginx } from '../support/nginx.js'
import { createPrivateCa, type PrivateCa } from '../support/pki.js'
import {
  createTarget,
  githubEnv,
  runAction,
  targetInputs,
  type ActionRun,
  type Target
} from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'
import { startTlsFront, type TlsFront } from '../support/tls-front.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const PROXY_USER = 'ci-proxy'
const PROXY_PASSWORD = `proxy-${randomBytes(8).toString('hex')}`
const CLIENT_ID = `id-${randomBytes(8).toString('hex')}.access`
const CLIENT_SECRET = `secret-${randomBytes(16).toString('hex')}`

let ca: PrivateCa
let target: Target
let front: TlsFront
const stops: (() => Promise<void>)[] = []

beforeAll(async () => {
  ca = createPrivateCa('Proxy Test Root CA')
  target = await createTarget('plain')
  front = await startTlsFront(
    target.server.url,
    ca.issueServer('server', ['127.0.0.1', 'localhost'])
  )
  stops.push(() => front.stop())
})

afterAll(async () => {
  for (const stop of stops.reverse()) await stop()
})

async function proxyForTest(
  credentials?: Parameters<typeof startForwardProxy>[0]
): Promise<ForwardProxy> {
  const proxy = await startForwardProxy(credentials)
  stops.push(() => proxy.stop())
  return proxy
}

/** Runs the action with extra environment variables such as HTTPS_PROXY. */
function runWith(
  inputs: Record<string, string>,
  env: Record<string, string>
): Promise<ActionRun> {
  return runAction(
    {
      ...targetInputs(target),
      'model-name': uniqueModelName('proxy'),
      'max-attempts': '2',
      ...inputs
    },
    { ...githubEnv(), ...env }
  )
}

describe('HTTPS_PROXY and NO_PROXY', () => {
  let proxy: ForwardProxy
  let proxied: ActionRun

  beforeAll(async () => {
    proxy = await proxyForTest()
    proxied = await runWith(
      {
        'tracking-uri': front.urlFor('127.0.0.1'),
        'ca-cert': ca.cert,
        'model-path': 'examples/model'
      },
      { HTTPS_PROXY: proxy.url, NO_PROXY: 'localhost' }
    )
  })

  it('proxied host registers through the proxy', () => {
    expect(proxied.result.outcome).toBe('registered')
    expect(proxy.targets).toContain(`127.0.0.1:${front.port}`)
  })

  it('artifact uploads pass the TLS front through the tunnel', () => {
    const uploads = front
      .requests()
      .filter(line => line.startsWith('PUT /api/2.0/mlflow-artifacts/'))
    expect(uploads.length).toBeGreaterThan(0)
  })

  it('logs which proxy carries the tracking host', () => {
    expect(proxied.host.logText()).toContain(
      `Connection: through proxy ${proxy.url} (from HTTPS_PROXY)`
    )
  })

  it('NO_PROXY host bypasses the proxy', async () => {
    const untouched = await proxyForTest()
    const run = await runWith(
      {
        'tracking-uri': front.urlFor('localhost'),
        'ca-cert': ca.cert,
        'model-path': 'examples/model'
      },
      { HTTPS_PROXY: untouched.url, NO_PROXY: '127.0.0.1,localhost' }
    )
    expect(run.result.outcome).toBe('registered')
    expect(untouched.connections()).toBe(0)
    expect(run.host.logText()).toContain(
      'Connection: direct (NO_PROXY entry "localhost" matches localhost)'
    )
  })

  it('reads the lower-case https_proxy', async () => {
    const lower = await proxyForTest()
    const run = await runWith(
      {
        mode: 'preflight',
        'tracking-uri': front.urlFor('localhost'),
        'ca-cert': ca.cert
      },
      { https_proxy: lower.url }
    )
    expect(run.result.outcome).toBe('checked')
    expect(lower.targets).toContain(`localhost:${front.port}`)
  })

  it('client certificate reaches the server through the tunnel', async () => {
    const mutual = await startTlsFront(
      target.server.url,
      ca.issueServer('mutual', ['127.0.0.1']),
      { clientCa: ca.cert }
    )
    stops.push(() => mutual.stop())
    const client = ca.issueClient('ci-bot')
    const run = await runWith(
      {
        mode: 'preflight',
        'tracking-uri': mutual.url,
        'ca-cert': ca.cert,
        'client-cert': client.cert,
        'client-key': client.key
      },
      { HTTPS_PROXY: proxy.url }
    )
    expect(run.result.outcome).toBe('checked')
    expect(proxy.targets).toContain(`127.0.0.1:${mutual.port}`)
  })
})

describe('a proxy that requires credentials', () => {
  let proxy: ForwardProxy

  beforeAll(async () => {
    proxy = await proxyForTest({
      username: PROXY_USER,
      password: PROXY_PASSWORD
    })
  })

  it.each([
    ['https', (): string => front.url, 'HTTPS_PROXY'],
    ['http', (): string => target.server.url, 'HTTP_PROXY']
  ])('%s target without credentials is PROXY_AUTH', async (_, url, name) => {
    const run = await runWith(
      { mode: 'preflight', 'tracking-uri': url(), 'ca-cert': ca.cert },
      { [name]: proxy.url }
    )
    expect(run.result.diagnosis?.code).toBe('PROXY_AUTH')
    expect(run.result.diagnosis?.detail).toContain(
      `The outbound proxy ${proxy.url} requires authentication (HTTP 407)`
    )
    expect(run.host.logText()).not.toContain('Retrying')
  })

  it('credentials in the proxy URL pass and are masked', async () => {
    const withCredentials = proxy.url.replace(
      'http://',
      `http://${PROXY_USER}:${PROXY_PASSWORD}@`
    )
    const run = await runWith(
      { mode: 'preflight', 'tracking-uri': front.url, 'ca-cert': ca.cert },
      { HTTPS_PROXY: withCredentials }
    )
    expect(run.result.outcome).toBe('checked')
    expect(run.host.secrets).toContain(PROXY_PASSWORD)
    expect(run.host.visibleText()).not.toContain(PROXY_PASSWORD)
    expect(run.host.logText()).toContain(`through proxy ${proxy.url} `)
  })
})

describe('a proxy that blocks the tracking host', () => {
  let blocker: Nginx

  beforeAll(async () => {
    // nginx as the outbound proxy: it takes absolute-form requests such as
    // `GET http://host/path`, and blocks them with its 403 page and a Via
    // header, as Squid and other corporate proxies do.
    blocker = await startNginx(
      port => `server {
    listen 127.0.0.1:${port};
    location / {
      add_header Via "1.1 corp-proxy" always;
      return 403;
    }
  }`
    )
    stops.push(() => blocker.stop())
  })

  it('403 page with Via is FORBIDDEN_NON_MLFLOW', async () => {
    const run = await runWith(
      { mode: 'preflight', 'tracking-uri': target.server.url },
      { HTTP_PROXY: blocker.url }
    )
    const diagnosis = run.result.diagnosis
    expect(diagnosis?.code).toBe('FORBIDDEN_NON_MLFLOW')
    expect(diagnosis?.detail).toContain(
      `The request was blocked by the outbound proxy ${blocker.url}`
    )
    expect(diagnosis?.evidence.via).toBe('1.1 corp-proxy')
  })
})

describe('extra headers for an access proxy', () => {
  let gate: TlsFront

  beforeAll(async () => {
    // Like Cloudflare Access with a service token: requests without both
    // headers are refused before they reach MLflow.
    gate = await startTlsFront(
      target.server.url,
      ca.issueServer('gate', ['127.0.0.1']),
      {
        location: `if ($http_cf_access_client_id != "${CLIENT_ID}") { return 403; }
      if ($http_cf_access_client_secret != "${CLIENT_SECRET}") { return 403; }`
      }
    )
    stops.push(() => gate.stop())
  })

  it('headers reach the server and registration passes', async () => {
    const run = await runWith(
      {
        'tracking-uri': gate.url,
        'ca-cert': ca.cert,
        'model-path': 'examples/model',
        'extra-headers':
          `CF-Access-Client-Id: ${CLIENT_ID}\n` +
          `CF-Access-Client-Secret: ${CLIENT_SECRET}\n`
      },
      {}
    )
    expect(run.result.outcome).toBe('registered')
    expect(run.host.secrets).toEqual(
      expect.arrayContaining([CLIENT_ID, CLIENT_SECRET])
    )
    const text = run.host.visibleText()
    expect(text).not.toContain(CLIENT_ID)
    expect(text).not.toContain(CLIENT_SECRET)
    expect(text).toContain(
      'Extra headers for 127.0.0.1:' +
        `${gate.port}: CF-Access-Client-Id, CF-Access-Client-Secret`
    )
  })

  it('without the headers the gate refuses', async () => {
    const run = await runWith(
      { mode: 'preflight', 'tracking-uri': gate.url, 'ca-cert': ca.cert },
      {}
    )
    expect(run.result.diagnosis?.code).toBe('FORBIDDEN_NON_MLFLOW')
  })
})
