import { randomBytes } from 'node:crypto'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  startForwardProxy,
  type ForwardProxy
} from '../support/forward-proxy.js'
import { createPrivateCa, encryptKey, type PrivateCa } from '../support/pki.js'
import { runAction, type ActionResult } from '../support/run-action.js'
import { expectSecretsMasked } from '../support/secret-scan.js'
import { testServers, uniqueModelName } from '../support/servers.js'
import { startTlsFront, type TlsFront } from '../support/tls-front.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const PASSPHRASE = `key-pass-${randomBytes(8).toString('hex')}`
const PROXY_PASSWORD = `proxy-pass-${randomBytes(8).toString('hex')}`
const HEADER_SECRET = `cf-secret-${randomBytes(12).toString('hex')}`

let ca: PrivateCa
let mutual: TlsFront
let proxy: ForwardProxy

beforeAll(async () => {
  ca = createPrivateCa('E2E Root CA')
  mutual = await startTlsFront(
    testServers().plain.url,
    ca.issueServer('server', ['127.0.0.1']),
    {
      clientCa: ca.cert,
      location: `if ($http_cf_access_client_secret != "${HEADER_SECRET}") { return 403; }`
    }
  )
  proxy = await startForwardProxy({
    username: 'ci-proxy',
    password: PROXY_PASSWORD
  })
})

afterAll(async () => {
  await mutual.stop()
  await proxy.stop()
})

describe('action through a proxy to mutual TLS', () => {
  let result: ActionResult

  beforeAll(async () => {
    const client = ca.issueClient('ci-bot')
    result = await runAction({
      inputs: {
        'tracking-uri': mutual.url,
        'model-name': uniqueModelName('e2e-tls'),
        'model-path': 'examples/model',
        'ca-cert': ca.cert,
        'client-cert': client.cert,
        'client-key': encryptKey(client.key, PASSPHRASE),
        'client-key-passphrase': PASSPHRASE,
        'extra-headers': `CF-Access-Client-Secret: ${HEADER_SECRET}`
      },
      env: {
        HTTPS_PROXY: proxy.url.replace('//', `//ci-proxy:${PROXY_PASSWORD}@`)
      }
    })
  })

  it('registers the model', () => {
    expect(result.outputs.outcome).toBe('registered')
    expect(result.exitCode).toBe(0)
  })

  it('goes through the proxy', () => {
    expect(proxy.targets).toContain(`127.0.0.1:${mutual.port}`)
  })

  it('masks passphrase, header value and proxy password', () => {
    expectSecretsMasked(result, {
      values: [PASSPHRASE, HEADER_SECRET, PROXY_PASSWORD]
    })
  })
})

describe('action with insecure-tls', () => {
  let result: ActionResult

  beforeAll(async () => {
    const client = ca.issueClient('ci-bot-insecure')
    result = await runAction({
      inputs: {
        mode: 'preflight',
        'tracking-uri': mutual.url,
        'insecure-tls': 'true',
        'client-cert': client.cert,
        'client-key': client.key,
        'extra-headers': `CF-Access-Client-Secret: ${HEADER_SECRET}`
      }
    })
  })

  it('connects and warns with a titled annotation', () => {
    expect(result.outputs.outcome).toBe('checked')
    expect(result.annotations).toContainEqual(
      expect.objectContaining({ level: 'warning', title: 'Insecure TLS' })
    )
  })

  it('masks the header value', () => {
    expectSecretsMasked(result, { values: [HEADER_SECRET] })
  })
})
