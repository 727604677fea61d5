import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'

import { beforeAll, describe, expect, it } from '@jest/globals'

import type { Settings } from '../../../src/config/settings.js'
import { parseTlsSettings, type TlsSettings } from '../../../src/config/tls.js'
import {
  combinePem,
  createPrivateCa,
  encryptKey,
  type CertificateFiles,
  type PrivateCa
} from '../../support/pki.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const PASSPHRASE = 'correct horse battery'

let ca: PrivateCa
let client: CertificateFiles
/** Files by name, in the CA's directory, which is the workspace. */
const files: Record<string, string> = {}

beforeAll(() => {
  ca = createPrivateCa('Unit Root CA')
  client = ca.issueClient('ci-bot')
  const second = createPrivateCa('Second Root CA')
  const write = (name: string, text: string | Buffer): void => {
    files[name] = path.join(ca.dir, name)
    writeFileSync(files[name], text)
  }
  write(
    'bundle.pem',
    readFileSync(ca.cert, 'utf8') + readFileSync(second.cert, 'utf8')
  )
  write(
    'ca.der',
    execFileSync('openssl', ['x509', '-in', ca.cert, '-outform', 'der'])
  )
  write(
    'damaged.pem',
    '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n'
  )
  write('key-only.pem', readFileSync(client.key))
  files.combined = combinePem(client)
  files.encrypted = encryptKey(client.key, PASSPHRASE)
  files.legacy = path.join(ca.dir, 'legacy.key')
  execFileSync(
    'openssl',
    [
      'rsa',
      '-in',
      client.key,
      '-aes256',
      '-traditional',
      '-passout',
      `pass:${PASSPHRASE}`,
      '-out',
      files.legacy
    ],
    { stdio: 'pipe' }
  )
  files.otherKey = ca.issueClient('somebody-else').key
})

function settings(inputs: InputValues, env: NodeJS.ProcessEnv = {}): Settings {
  return settingsFrom(inputs, env)
}

function parse(inputs: InputValues, env: NodeJS.ProcessEnv = {}): TlsSettings {
  const read = settings(inputs, env)
  return parseTlsSettings(name => read.get(name), ca.dir)
}

describe('parseTlsSettings with valid settings', () => {
  it('nothing set verifies against the default roots', () => {
    expect(parse({})).toEqual({ caSubjects: [], insecure: false })
  })

  it('ca-cert reads every certificate of a bundle', () => {
    const tls = parse({ 'ca-cert': 'bundle.pem' })
    expect(tls.caSubjects).toEqual(['CN=Unit Root CA', 'CN=Second Root CA'])
    expect(tls.ca?.match(/BEGIN CERTIFICATE/g)).toHaveLength(2)
  })

  it('ca-cert falls back to MLFLOW_TRACKING_SERVER_CERT_PATH', () => {
    const tls = parse({}, { MLFLOW_TRACKING_SERVER_CERT_PATH: ca.cert })
    expect(tls.caSubjects).toEqual(['CN=Unit Root CA'])
  })

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['no', false],
    ['false', false]
  ])('insecure-tls %s is %s', (value, insecure) => {
    expect(parse({ 'insecure-tls': value }).insecure).toBe(insecure)
  })

  it('insecure-tls falls back to MLFLOW_TRACKING_INSECURE_TLS', () => {
    expect(parse({}, { MLFLOW_TRACKING_INSECURE_TLS: 'true' }).insecure).toBe(
      true
    )
  })

  it('client certificate and key as two files', () => {
    const tls = parse({ 'client-cert': client.cert, 'client-key': client.key })
    expect(tls.clientCertificate).toMatchObject({
      subject: 'CN=ci-bot',
      issuer: 'CN=Unit Root CA',
      cert: readFileSync(client.cert, 'utf8'),
      key: readFileSync(client.key, 'utf8')
    })
    expect(tls.clientCertificate?.validTo.getTime()).toBeGreaterThan(Date.now())
  })

  it('client certificate and key as one combined PEM', () => {
    const tls = parse({ 'client-cert': files.combined ?? '' })
    expect(tls.clientCertificate?.key).toBe(readFileSync(client.key, 'utf8'))
    expect(tls.clientCertificate?.cert).toBe(readFileSync(client.cert, 'utf8'))
  })

  it('combined PEM from MLFLOW_TRACKING_CLIENT_CERT_PATH', () => {
    const env = { MLFLOW_TRACKING_CLIENT_CERT_PATH: files.combined ?? '' }
    expect(parse({}, env).clientCertificate?.subject).toBe('CN=ci-bot')
  })

  it.each(['encrypted', 'legacy'])('%s key with its passphrase', name => {
    const tls = parse({
      'client-cert': client.cert,
      'client-key': files[name] ?? '',
      'client-key-passphrase': PASSPHRASE
    })
    expect(tls.clientCertificate?.passphrase).toBe(PASSPHRASE)
    expect(tls.clientCertificate?.key).toContain('ENCRYPTED')
  })

  it('relative paths are read from the workspace', () => {
    expect(parse({ 'ca-cert': 'ca.crt' }).caSubjects).toEqual([
      'CN=Unit Root CA'
    ])
  })
})

interface InvalidCase {
  readonly name: string
  readonly inputs: () => InputValues
  readonly env?: NodeJS.ProcessEnv
  readonly title: string
  readonly detail: RegExp
}

const INVALID: InvalidCase[] = [
  {
    name: 'unreadable ca-cert',
    inputs: () => ({ 'ca-cert': 'missing.pem' }),
    title: 'Invalid input `ca-cert`',
    detail: /cannot read "missing.pem" \(ENOENT; resolved to .*missing.pem\)/
  },
  {
    name: 'ca-cert in DER',
    inputs: () => ({ 'ca-cert': 'ca.der' }),
    title: 'Invalid input `ca-cert`',
    detail: /it is not a PEM file/
  },
  {
    name: 'ca-cert with only a key',
    inputs: () => ({ 'ca-cert': 'key-only.pem' }),
    title: 'Invalid input `ca-cert`',
    detail: /holds no certificate, only PRIVATE KEY/
  },
  {
    name: 'damaged certificate',
    inputs: () => ({ 'ca-cert': 'damaged.pem' }),
    title: 'Invalid input `ca-cert`',
    detail: /certificate 1 in "damaged.pem" is damaged/
  },
  {
    name: 'unreadable ca-cert from its variable',
    inputs: () => ({}),
    env: { MLFLOW_TRACKING_SERVER_CERT_PATH: '/no/such/ca.pem' },
    title:
      'Invalid environment variable MLFLOW_TRACKING_SERVER_CERT_PATH ' +
      '(input `ca-cert`)',
    detail: /cannot read "\/no\/such\/ca.pem"/
  },
  {
    name: 'insecure-tls maybe',
    inputs: () => ({ 'insecure-tls': 'maybe' }),
    title: 'Invalid input `insecure-tls`',
    detail: /expected true or false, got "maybe"/
  },
  {
    name: 'insecure-tls with ca-cert',
    inputs: () => ({ 'insecure-tls': 'true', 'ca-cert': ca.cert }),
    title: 'Invalid inputs `insecure-tls` and `ca-cert`',
    detail: /both are set/
  },
  {
    name: 'client certificate without a key',
    inputs: () => ({ 'client-cert': client.cert }),
    title: 'Invalid input `client-cert`',
    detail:
      /holds a certificate but no private key, and `client-key` is not set/
  },
  {
    name: 'client-key without client-cert',
    inputs: () => ({ 'client-key': client.key }),
    title: 'Invalid input `client-key`',
    detail: /a client key is set without `client-cert`/
  },
  {
    name: 'client-key that holds no key',
    inputs: () => ({ 'client-cert': client.cert, 'client-key': ca.cert }),
    title: 'Invalid input `client-key`',
    detail: /holds no PEM private key/
  },
  {
    name: 'key of another certificate',
    inputs: () => ({
      'client-cert': client.cert,
      'client-key': files.otherKey ?? ''
    }),
    title: 'Invalid input `client-key`',
    detail: /does not belong to the certificate in .* \(subject CN=ci-bot\)/
  },
  {
    name: 'encrypted key without a passphrase',
    inputs: () => ({
      'client-cert': client.cert,
      'client-key': files.encrypted ?? ''
    }),
    title: 'Invalid input `client-key-passphrase`',
    detail: /is encrypted and no passphrase is set/
  },
  {
    name: 'encrypted key with a wrong passphrase',
    inputs: () => ({
      'client-cert': client.cert,
      'client-key': files.encrypted ?? '',
      'client-key-passphrase': 'wrong horse'
    }),
    title: 'Invalid input `client-key-passphrase`',
    detail: /it does not decrypt the private key in/
  },
  {
    name: 'legacy key with a wrong passphrase',
    inputs: () => ({
      'client-cert': client.cert,
      'client-key': files.legacy ?? '',
      'client-key-passphrase': 'wrong horse'
    }),
    title: 'Invalid input `client-key-passphrase`',
    detail: /it does not decrypt the private key in/
  }
]

describe('parseTlsSettings with invalid settings', () => {
  it.each(INVALID)(
    '$name is CLIENT_CONFIG',
    ({ inputs, env, title, detail }) => {
      const { diagnosis } = diagnosedErrorOf(() => parse(inputs(), env))
      expect(diagnosis.code).toBe('CLIENT_CONFIG')
      expect(diagnosis.title).toBe(title)
      expect(diagnosis.detail).toMatch(detail)
    }
  )

  it.each(INVALID)('$name shows no key or passphrase', ({ inputs, env }) => {
    const { diagnosis } = diagnosedErrorOf(() => parse(inputs(), env))
    const text = JSON.stringify(diagnosis)
    const keyLine = readFileSync(client.key, 'utf8').split('\n')[1] ?? ''
    expect(text).not.toContain(keyLine)
    expect(text).not.toContain('wrong horse')
    expect(text).not.toContain(PASSPHRASE)
  })
})
