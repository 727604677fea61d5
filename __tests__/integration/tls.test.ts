import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { createServer as createHttpsServer } from 'node:https'
import { createServer as createTcpServer, type AddressInfo } from 'node:net'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  combinePem,
  createPrivateCa,
  encryptKey,
  type CertificateFiles,
  type PrivateCa
} from '../support/pki.js'
import {
  createTarget,
  getModelVersion,
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

const PASSPHRASE = `pass-${randomBytes(8).toString('hex')}`

let ca: PrivateCa
let client: CertificateFiles
let target: Target
let front: TlsFront
let otherName: TlsFront
let mutual: TlsFront
const stops: (() => Promise<void>)[] = []

beforeAll(async () => {
  ca = createPrivateCa('MLflow Test Root CA')
  client = ca.issueClient('ci-bot')
  target = await createTarget('plain')
  const upstream = target.server.url
  front = await startTlsFront(
    upstream,
    ca.issueServer('server', ['127.0.0.1', 'localhost'])
  )
  otherName = await startTlsFront(
    upstream,
    ca.issueServer('other-name', ['mlflow.example.test'])
  )
  mutual = await startTlsFront(
    upstream,
    ca.issueServer('mutual', ['127.0.0.1', 'localhost']),
    { clientCa: ca.cert }
  )
  stops.push(
    () => front.stop(),
    () => otherName.stop(),
    () => mutual.stop()
  )
})

afterAll(async () => {
  for (const stop of stops) await stop()
})

/** Runs a registration of examples/model on `trackingUri`. */
function register(
  trackingUri: string,
  inputs: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction({
    ...targetInputs(target),
    'tracking-uri': trackingUri,
    'model-name': uniqueModelName('tls'),
    'model-path': 'examples/model',
    'max-attempts': '3',
    ...inputs
  })
}

function expectNoRetry(run: ActionRun): void {
  expect(run.host.logText()).not.toContain('Retrying')
}

describe('a server certificate from a private CA', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await register(front.url, { 'ca-cert': ca.cert })
  })

  it('registers with ca-cert', () => {
    expect(run.result.outcome).toBe('registered')
  })

  it('version is in MLflow behind nginx', async () => {
    const name = run.result.config?.modelName ?? ''
    const version = await getModelVersion('plain', name, '1')
    expect(version.name).toBe(name)
  })

  it('uploads the artifacts through the TLS connection', () => {
    const uploads = front
      .requests()
      .filter(line =>
        /^PUT \/api\/2\.0\/mlflow-artifacts\/.*MLmodel 200$/.test(line)
      )
    expect(uploads.length).toBeGreaterThan(0)
  })

  it('logs the CA it trusts', () => {
    expect(run.host.logText()).toContain(
      'TLS: trusting 1 CA certificate(s) from ca-cert: CN=MLflow Test Root CA'
    )
  })

  it('reads ca-cert from MLFLOW_TRACKING_SERVER_CERT_PATH', async () => {
    const { result } = await runAction(
      { 'tracking-uri': front.url, mode: 'preflight' },
      { MLFLOW_TRACKING_SERVER_CERT_PATH: ca.cert }
    )
    expect(result.outcome).toBe('checked')
  })
})

describe('certificate failures', () => {
  it('untrusted certificate is TLS_UNTRUSTED naming the issuer', async () => {
    const run = await register(front.url)
    expect(run.result.diagnosis?.code).toBe('TLS_UNTRUSTED')
    expect(run.result.diagnosis?.detail).toContain(
      `The certificate of 127.0.0.1:${front.port} (subject CN=127.0.0.1) ` +
        'was issued by CN=MLflow Test Root CA'
    )
    expect(run.result.diagnosis?.fix).toContain('`ca-cert`')
    expectNoRetry(run)
  })

  it('certificate of another CA is TLS_UNTRUSTED', async () => {
    const other = createPrivateCa('Unrelated CA')
    const run = await register(front.url, { 'ca-cert': other.cert })
    expect(run.result.diagnosis?.code).toBe('TLS_UNTRUSTED')
    expect(run.result.diagnosis?.detail).toContain(
      'It does not chain to the CA certificates in `ca-cert`.'
    )
  })

  it('hostname mismatch is TLS_HOSTNAME listing the names', async () => {
    const run = await register(otherName.urlFor('localhost'), {
      'ca-cert': ca.cert
    })
    const diagnosis = run.result.diagnosis
    expect(diagnosis?.code).toBe('TLS_HOSTNAME')
    expect(diagnosis?.detail).toContain(
      `localhost:${otherName.port} does not name that host (localhost): ` +
        'it names DNS:mlflow.example.test'
    )
    expect(diagnosis?.detail).not.toContain('wildcard')
    expect(diagnosis?.evidence.serverCertificate).toContain(
      'issuer CN=MLflow Test Root CA'
    )
    expectNoRetry(run)
  })

  it('https on a plain HTTP port is TLS_PROTOCOL', async () => {
    const plain = new URL(target.server.url)
    const run = await register(`https://127.0.0.1:${plain.port}`)
    expect(run.result.diagnosis?.code).toBe('TLS_PROTOCOL')
    expect(run.result.diagnosis?.fix).toContain(
      `http://127.0.0.1:${plain.port}`
    )
    expectNoRetry(run)
  })

  it('insecure-tls connects and warns', async () => {
    const run = await runAction({
      'tracking-uri': front.url,
      mode: 'preflight',
      'insecure-tls': 'true'
    })
    expect(run.result.outcome).toBe('checked')
    expect(run.host.lines).toContainEqual(
      expect.objectContaining({ level: 'warning', title: 'Insecure TLS' })
    )
  })
})

describe('mutual TLS through nginx', () => {
  it('no client certificate is TLS_CLIENT_CERT', async () => {
    const run = await register(mutual.url, { 'ca-cert': ca.cert })
    expect(run.result.diagnosis?.code).toBe('TLS_CLIENT_CERT')
    expect(run.result.diagnosis?.detail).toContain(
      'No required SSL certificate was sent'
    )
    expectNoRetry(run)
  })

  it('registers with certificate and encrypted key files', async () => {
    const run = await register(mutual.url, {
      'ca-cert': ca.cert,
      'client-cert': client.cert,
      'client-key': encryptKey(client.key, PASSPHRASE),
      'client-key-passphrase': PASSPHRASE
    })
    expect(run.result.outcome).toBe('registered')
    expect(run.host.visibleText()).not.toContain(PASSPHRASE)
    expect(run.host.secrets).toContain(PASSPHRASE)
  })

  it('registers with one combined PEM', async () => {
    const combined = await register(mutual.url, {
      'ca-cert': ca.cert,
      'client-cert': combinePem(client)
    })
    expect(combined.result.outcome).toBe('registered')
  })

  it('reads the combined PEM from MLFLOW_TRACKING_CLIENT_CERT_PATH', async () => {
    const { result } = await runAction(
      { 'tracking-uri': mutual.url, mode: 'preflight', 'ca-cert': ca.cert },
      { MLFLOW_TRACKING_CLIENT_CERT_PATH: combinePem(client) }
    )
    expect(result.outcome).toBe('checked')
  })

  it('expired client certificate is TLS_CLIENT_CERT', async () => {
    const expired = ca.issueClient('nginx-expired', { expired: true })
    const run = await register(mutual.url, {
      'ca-cert': ca.cert,
      'client-cert': expired.cert,
      'client-key': expired.key
    })
    const diagnosis = run.result.diagnosis
    expect(diagnosis?.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis?.detail).toMatch(
      /the server rejected the client certificate CN=nginx-expired \(valid until \d{4}-/
    )
    expectNoRetry(run)
  })

  it('certificate of another CA is TLS_CLIENT_CERT naming it', async () => {
    const stranger = createPrivateCa('Stranger CA').issueClient('stranger')
    const run = await register(mutual.url, {
      'ca-cert': ca.cert,
      'client-cert': stranger.cert,
      'client-key': stranger.key
    })
    const diagnosis = run.result.diagnosis
    expect(diagnosis?.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis?.detail).toMatch(
      /"The SSL certificate error" from .*: the server rejected the client certificate CN=stranger \(valid until \d{4}-/
    )
  })
})

describe('mutual TLS enforced in the handshake', () => {
  let url: string

  beforeAll(async () => {
    const certificate = ca.issueServer('handshake', ['127.0.0.1'])
    const server = createHttpsServer(
      {
        cert: readFileSync(certificate.cert),
        key: readFileSync(certificate.key),
        ca: readFileSync(ca.cert),
        requestCert: true,
        rejectUnauthorized: true
      },
      (_request, response) => response.end('{}')
    )
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
    stops.push(
      () =>
        new Promise<void>(resolve =>
          server.close(() => {
            resolve()
          })
        )
    )
  })

  it('certificate_required alert is TLS_CLIENT_CERT', async () => {
    const run = await register(url, { 'ca-cert': ca.cert })
    expect(run.result.diagnosis?.code).toBe('TLS_CLIENT_CERT')
    expect(run.result.diagnosis?.detail).toContain(
      'alert "certificate required"'
    )
    expectNoRetry(run)
  })

  it('expired client certificate is TLS_CLIENT_CERT', async () => {
    const expired = ca.issueClient('ci-bot-expired', { expired: true })
    const run = await register(url, {
      'ca-cert': ca.cert,
      'client-cert': expired.cert,
      'client-key': expired.key
    })
    const diagnosis = run.result.diagnosis
    expect(diagnosis?.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis?.detail).toMatch(
      /rejected the client certificate CN=ci-bot-expired, which expired on \d{4}-/
    )
    expectNoRetry(run)
  })
})

describe('mutual TLS enforced by a close', () => {
  let url: string

  beforeAll(async () => {
    // Some terminators close a connection without a client certificate
    // right after the handshake and send no TLS alert.
    const certificate = ca.issueServer('reset', ['127.0.0.1'])
    const server = createHttpsServer(
      {
        cert: readFileSync(certificate.cert),
        key: readFileSync(certificate.key),
        ca: readFileSync(ca.cert),
        requestCert: true,
        rejectUnauthorized: false
      },
      (_request, response) => response.end('{}')
    )
    server.on('secureConnection', socket => {
      if (!socket.authorized) socket.destroy()
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
    stops.push(
      () =>
        new Promise<void>(resolve =>
          server.close(() => {
            resolve()
          })
        )
    )
  })

  it('close without a certificate is TLS_CLIENT_CERT', async () => {
    const run = await register(url, { 'ca-cert': ca.cert })
    const diagnosis = run.result.diagnosis
    expect(diagnosis?.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis?.detail).toContain('none was configured')
    expect(run.result.outcome).not.toBe('deferred')
    expectNoRetry(run)
  })
})

describe('invalid TLS settings', () => {
  let listener: { url: string; connections: () => number }

  beforeAll(async () => {
    let connections = 0
    const server = createTcpServer(socket => {
      connections++
      socket.destroy()
    })
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
    listener = {
      url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
      connections: () => connections
    }
    stops.push(
      () =>
        new Promise<void>(resolve =>
          server.close(() => {
            resolve()
          })
        )
    )
  })

  const keyText = (): string => readFileSync(client.key, 'utf8')
  const keyBody = (): string => keyText().split('\n').slice(1, 3).join('')

  it.each([
    {
      name: 'wrong passphrase',
      inputs: (): Record<string, string> => ({
        'client-cert': client.cert,
        'client-key': encryptKey(client.key, PASSPHRASE),
        'client-key-passphrase': 'not-the-passphrase'
      }),
      title: 'Invalid input `client-key-passphrase`'
    },
    {
      name: 'missing passphrase',
      inputs: (): Record<string, string> => ({
        'client-cert': client.cert,
        'client-key': encryptKey(client.key, PASSPHRASE)
      }),
      title: 'Invalid input `client-key-passphrase`'
    },
    {
      name: 'key of another certificate',
      inputs: (): Record<string, string> => ({
        'client-cert': client.cert,
        'client-key': ca.issueClient('somebody-else').key
      }),
      title: 'Invalid input `client-key`'
    },
    {
      name: 'certificate that is not PEM',
      inputs: (): Record<string, string> => {
        const der = path.join(ca.dir, 'not-pem.der')
        writeFileSync(der, Buffer.from([0x30, 0x82, 0x01, 0x0a]))
        return { 'ca-cert': der }
      },
      title: 'Invalid input `ca-cert`'
    },
    {
      name: 'unreadable ca-cert',
      inputs: (): Record<string, string> => ({
        'ca-cert': path.join(ca.dir, 'missing.pem')
      }),
      title: 'Invalid input `ca-cert`'
    }
  ])(
    '$name is CLIENT_CONFIG before any connection',
    async ({ inputs, title }) => {
      const before = listener.connections()
      const run = await register(listener.url, inputs())
      expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
      expect(run.result.diagnosis?.title).toBe(title)
      expect(listener.connections()).toBe(before)
      const text = run.host.visibleText()
      expect(text).not.toContain(PASSPHRASE)
      expect(text).not.toContain('not-the-passphrase')
      expect(text).not.toContain(keyBody())
    }
  )
})
