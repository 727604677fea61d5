import {
  createServer,
  type AddressInfo,
  type Server,
  type Socket
} from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { EnvHttpProxyAgent, request } from 'undici'

import {
  describeProxy,
  proxyPasswords,
  readProxySettings,
  routeFor
} from '../../../src/http/proxy.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

describe('readProxySettings', () => {
  it('reads nothing from an empty environment', () => {
    expect(readProxySettings({})).toEqual({ noProxy: '' })
  })

  it('prefers the lower-case variables, as undici does', () => {
    const settings = readProxySettings({
      https_proxy: 'http://lower.test:3128',
      HTTPS_PROXY: 'http://upper.test:3128',
      no_proxy: 'a.test',
      NO_PROXY: 'b.test'
    })
    expect(settings.httpsProxy?.url.host).toBe('lower.test:3128')
    expect(settings.httpsProxy?.variable).toBe('https_proxy')
    expect(settings.noProxy).toBe('a.test')
  })

  it('reads a proxy without a scheme as http://', () => {
    const settings = readProxySettings({ HTTP_PROXY: 'proxy.corp.test:3128' })
    expect(settings.httpProxy?.url.href).toBe('http://proxy.corp.test:3128/')
  })

  it('an empty lower-case variable turns the proxy off', () => {
    const settings = readProxySettings({
      http_proxy: '',
      HTTP_PROXY: 'http://upper.test:3128'
    })
    expect(settings.httpProxy).toBeUndefined()
  })

  it.each([
    ['ftp://proxy.test', /has scheme "ftp:"/],
    ['http://[::1', /is not a valid URL/]
  ])('%s is CLIENT_CONFIG naming the variable', (value, detail) => {
    const { diagnosis } = diagnosedErrorOf(() =>
      readProxySettings({ HTTPS_PROXY: value })
    )
    expect(diagnosis.title).toBe('Invalid environment variable HTTPS_PROXY')
    expect(diagnosis.detail).toMatch(detail)
  })

  it('lists the proxy passwords for masking, decoded too', () => {
    const settings = readProxySettings({
      HTTPS_PROXY: 'http://ci:p%40ss@proxy.test:3128'
    })
    expect(proxyPasswords(settings)).toEqual(['p%40ss', 'p@ss'])
  })

  it('names a proxy without its credentials', () => {
    const settings = readProxySettings({
      HTTPS_PROXY: 'http://ci:secret@proxy.test:3128'
    })
    const proxy = settings.httpsProxy
    expect(proxy).toBeDefined()
    if (proxy) expect(describeProxy(proxy)).toBe('http://proxy.test:3128')
  })
})

const PROXY = 'http://proxy.corp.test:3128'

/** URL, NO_PROXY, and whether the request goes through the proxy. */
const ROUTES: [string, string, boolean][] = [
  ['https://mlflow.example.test', '', true],
  ['http://mlflow.example.test', '', true],
  ['https://mlflow.example.test', '*', false],
  ['https://mlflow.example.test', 'example.test', false],
  ['https://mlflow.example.test', '.example.test', false],
  ['https://example.test', '.example.test', false],
  ['https://example.test', '*.example.test', true],
  ['https://mlflow.example.test', '*.example.test', false],
  ['https://mlflow.example.test', 'other.test, example.test', false],
  ['https://mlflow.example.test', 'other.test example.test', false],
  ['https://notexample.test', 'example.test', true],
  ['https://mlflow.example.test:8443', 'mlflow.example.test:8443', false],
  ['https://mlflow.example.test', 'mlflow.example.test:8443', true],
  ['https://mlflow.example.test', 'mlflow.example.test:443', false],
  ['https://MLflow.Example.Test', 'mlflow.example.test', false],
  ['https://mlflow.example.test', 'MLFLOW.EXAMPLE.TEST.', false],
  ['http://127.0.0.1:5000', 'localhost,127.0.0.1', false],
  ['http://[::1]:5000', '::1', false],
  ['http://[::1]:5000', '[::1]:5000', false],
  ['http://[::1]:5000', '[::1]:5001', true],
  ['https://mlflow.internal.test', '.internal.test,localhost', false]
]

describe('routeFor', () => {
  it.each(ROUTES)(
    '%s with NO_PROXY "%s" proxied: %s',
    (url, noProxy, proxied) => {
      const settings = readProxySettings({
        HTTPS_PROXY: PROXY,
        HTTP_PROXY: PROXY,
        NO_PROXY: noProxy
      })
      expect(routeFor(new URL(url), settings).proxy !== undefined).toBe(proxied)
    }
  )

  it('https falls back to HTTP_PROXY', () => {
    const settings = readProxySettings({ HTTP_PROXY: PROXY })
    expect(routeFor(new URL('https://a.test'), settings).proxy?.variable).toBe(
      'HTTP_PROXY'
    )
  })

  it('http does not use HTTPS_PROXY', () => {
    const settings = readProxySettings({ HTTPS_PROXY: PROXY })
    expect(routeFor(new URL('http://a.test'), settings)).toEqual({
      reason: 'no HTTP_PROXY is set'
    })
  })

  it('says which NO_PROXY entry matched', () => {
    const settings = readProxySettings({
      HTTPS_PROXY: PROXY,
      NO_PROXY: '.test'
    })
    expect(routeFor(new URL('https://a.test'), settings)).toEqual({
      reason: 'NO_PROXY entry ".test" matches a.test'
    })
  })
})

describe('routeFor agrees with undici', () => {
  let recorder: Server
  let proxyUrl: string
  let connections = 0
  const sockets = new Set<Socket>()

  beforeAll(async () => {
    // A proxy that refuses everything: it only counts who came to it.
    recorder = createServer(socket => {
      sockets.add(socket)
      connections++
      socket.end('HTTP/1.1 502 Bad Gateway\r\ncontent-length: 0\r\n\r\n')
    })
    await new Promise<void>(resolve => recorder.listen(0, '127.0.0.1', resolve))
    proxyUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`
  })

  afterAll(async () => {
    for (const socket of sockets) socket.destroy()
    await new Promise(resolve => recorder.close(resolve))
  })

  it.each(ROUTES)('%s with NO_PROXY "%s"', async (url, noProxy, proxied) => {
    const agent = new EnvHttpProxyAgent({
      httpProxy: proxyUrl,
      httpsProxy: proxyUrl,
      noProxy,
      // Direct connections fail at once instead of resolving .test names.
      connect: {
        timeout: 2000,
        lookup: (_host, _options, callback) => {
          callback(new Error('no DNS in this test'), '', 4)
        }
      }
    })
    const before = connections
    await request(url, { dispatcher: agent }).catch(() => undefined)
    await agent.destroy()
    expect(connections > before).toBe(proxied)
  })
})
