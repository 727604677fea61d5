import { readFileSync } from 'node:fs'
import { createServer as createHttpServer } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { getGlobalDispatcher, request, type Dispatcher } from 'undici'

import type { TlsSettings } from '../../../src/config/tls.js'
import {
  createDispatcher,
  MAX_CONNECTIONS
} from '../../../src/http/dispatcher.js'
import {
  readProxySettings,
  type ProxySettings
} from '../../../src/http/proxy.js'
import { CertificateVerificationError } from '../../../src/http/tls.js'
import { createPrivateCa, type PrivateCa } from '../../support/pki.js'
import { rejectionOf } from '../fixtures/thrown.js'

let ca: PrivateCa
let server: Server
let url: string

beforeAll(async () => {
  ca = createPrivateCa('Dispatcher CA')
  const certificate = ca.issueServer('server', ['mlflow.example.test'])
  server = createServer(
    {
      cert: readFileSync(certificate.cert),
      key: readFileSync(certificate.key)
    },
    (_request, response) => response.end('ok')
  )
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`
})

afterAll(async () => {
  server.closeAllConnections()
  await new Promise(resolve => server.close(resolve))
})

async function get(tls: Partial<TlsSettings>): Promise<unknown> {
  const dispatcher: Dispatcher = createDispatcher({
    connectTimeoutMs: 5000,
    tls: { caSubjects: [], insecure: false, ...tls },
    proxy: { noProxy: '' }
  })
  try {
    const response = await request(url, { dispatcher })
    return await response.body.text()
  } catch (error) {
    return error
  } finally {
    await dispatcher.destroy()
  }
}

describe('createDispatcher', () => {
  it('rejects an untrusted certificate and keeps it', async () => {
    const error = await get({})
    expect(error).toBeInstanceOf(CertificateVerificationError)
    expect((error as CertificateVerificationError).code).toBe(
      'UNABLE_TO_VERIFY_LEAF_SIGNATURE'
    )
    expect((error as CertificateVerificationError).peer).toMatchObject({
      subject: 'CN=mlflow.example.test',
      issuer: 'CN=Dispatcher CA',
      altNames: ['DNS:mlflow.example.test']
    })
  })

  it('checks the host name against a trusted certificate', async () => {
    const error = await get({ ca: readFileSync(ca.cert, 'utf8') })
    expect((error as CertificateVerificationError).code).toBe(
      'ERR_TLS_CERT_ALTNAME_INVALID'
    )
  })

  it('insecure-tls connects to any certificate', async () => {
    expect(await get({ insecure: true })).toBe('ok')
  })

  it('changes nothing for the rest of the process', async () => {
    const global = getGlobalDispatcher()
    await get({ insecure: true })
    expect(getGlobalDispatcher()).toBe(global)
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined()
    const error = await rejectionOf(fetch(url))
    expect(String((error as Error).cause)).toMatch(/certificate/)
  })
})

describe('createDispatcher connections', () => {
  let connections: number
  let plain: ReturnType<typeof createHttpServer>
  let plainUrl: string

  beforeAll(async () => {
    // Responds to every request after 20 ms, as an origin or as an HTTP
    // proxy, and counts the connections the requests arrive on.
    plain = createHttpServer((_request, response) => {
      setTimeout(() => response.end('ok'), 20)
    })
    plain.on('connection', () => connections++)
    await new Promise<void>(resolve => plain.listen(0, '127.0.0.1', resolve))
    plainUrl = `http://127.0.0.1:${(plain.address() as AddressInfo).port}/`
  })

  afterAll(async () => {
    plain.closeAllConnections()
    await new Promise(resolve => plain.close(resolve))
  })

  /** Sends three times MAX_CONNECTIONS requests at once to `target`. */
  async function sendMany(target: string, proxy: ProxySettings) {
    connections = 0
    const dispatcher = createDispatcher({ connectTimeoutMs: 5000, proxy })
    try {
      const requests = Array.from({ length: 3 * MAX_CONNECTIONS }, () =>
        request(target, { dispatcher }).then(response => response.body.text())
      )
      return await Promise.all(requests)
    } finally {
      await dispatcher.destroy()
    }
  }

  it('opens at most MAX_CONNECTIONS', async () => {
    expect(await sendMany(plainUrl, { noProxy: '' })).toContain('ok')
    expect(connections).toBe(MAX_CONNECTIONS)
  })

  it('opens at most MAX_CONNECTIONS to a proxy', async () => {
    const proxy = readProxySettings({ HTTP_PROXY: plainUrl })
    const bodies = await sendMany('http://mlflow.example.test/', proxy)
    expect(bodies).toContain('ok')
    expect(connections).toBe(MAX_CONNECTIONS)
  })
})
