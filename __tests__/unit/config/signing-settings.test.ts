import { generateKeyPairSync } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { parseOfflineConfig } from '../../../src/config/offline-settings.js'
import { parseConfig } from '../../../src/config/parse-config.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const BASE: InputValues = {
  'tracking-uri': 'https://mlflow.test/',
  'model-name': 'fraud-model',
  'model-path': 'model'
}

function pemPair(curve: string): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: curve
  })
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString()
  }
}

const P256 = pemPair('P-256')
let workspace: string

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'signing-settings-'))
  writeFileSync(path.join(workspace, 'verify.pub'), P256.publicPem)
  mkdirSync(path.join(workspace, 'model'))
  writeFileSync(path.join(workspace, 'model', 'MLmodel'), 'flavors: {}\n')
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})

function parse(inputs: InputValues) {
  return parseConfig(settingsFrom({ ...BASE, ...inputs }), workspace)
}

describe('signing settings', () => {
  it('default to no signing and no verification', () => {
    const { signing } = parse({})
    expect(signing.method).toBe('none')
    expect(signing.verifySignature).toBe(false)
  })

  it('read a PEM private key for key signing', () => {
    const { signing } = parse({
      signing: 'key',
      'signing-key': P256.privatePem
    })
    expect(signing.privateKey?.asymmetricKeyDetails?.namedCurve).toBe(
      'prime256v1'
    )
  })

  it('read a SEC1 private key', () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-384' })
    const sec1 = privateKey.export({ type: 'sec1', format: 'pem' }).toString()
    const { signing } = parse({ signing: 'key', 'signing-key': sec1 })
    expect(signing.privateKey?.asymmetricKeyDetails?.namedCurve).toBe(
      'secp384r1'
    )
  })

  it('read a verify key from a file', () => {
    const { signing } = parse({
      mode: 'verify',
      source: 'models:/fraud-model/3',
      'model-path': '',
      'verify-key': 'verify.pub'
    })
    expect(signing.verifyKey?.type).toBe('public')
  })

  it('take a verify mode source by alias', () => {
    const config = parse({
      mode: 'verify',
      source: 'models:/fraud-model@champion',
      'model-path': '',
      'verify-key': P256.publicPem
    })
    expect(config.source).toBe('models:/fraud-model@champion')
  })
})

// One row per invalid combination: the inputs, the input the message
// names, and the problem it states.
const INVALID: [string, InputValues, string, RegExp][] = [
  ['an unknown method', { signing: 'gpg' }, 'signing', /none, key, sigstore/],
  ['key without a key', { signing: 'key' }, 'signing-key', /needs a private/],
  [
    'a key that is not PEM',
    { signing: 'key', 'signing-key': 'not a key' },
    'signing-key',
    /not an unencrypted PEM private key/
  ],
  [
    'a verify key file that is missing',
    { 'verify-key': 'missing.pub' },
    'verify-key',
    /neither PEM text nor a readable file/
  ],
  [
    'a private key as verify key',
    { 'verify-key': P256.privatePem },
    'verify-key',
    /holds a private key/
  ],
  [
    'a verify key that is not a key',
    { 'verify-key': '-----BEGIN PUBLIC KEY-----\nAAAA\n' },
    'verify-key',
    /does not hold a PEM public key/
  ],
  [
    'verify mode without a key',
    { mode: 'verify', source: 'models:/m/1', 'model-path': '' },
    'verify-key',
    /needs a key or a signer identity/
  ],
  [
    'verify mode with a run source',
    {
      mode: 'verify',
      source: 'runs:/abc/model',
      'model-path': '',
      'verify-key': P256.publicPem
    },
    'source',
    /does not name a model version/
  ],
  [
    'an identity without an issuer',
    { 'certificate-identity': 'https://github.com/o/r/.github/w.yml@main' },
    'certificate-oidc-issuer',
    /only one is set/
  ],
  [
    'signing a source',
    {
      'model-path': '',
      source: 'runs:/abc/model',
      signing: 'key',
      'signing-key': P256.privatePem
    },
    'signing',
    /signs the files of `model-path`/
  ],
  [
    'verifying a model path',
    { 'verify-signature': 'true', 'verify-key': P256.publicPem },
    'verify-signature',
    /checks a `source`/
  ],
  [
    'sigstore without id-token write',
    { signing: 'sigstore' },
    'signing',
    /cannot request an ID token/
  ],
  [
    'a Fulcio URL that is not http',
    { 'sigstore-fulcio-url': 'ftp://fulcio.test' },
    'sigstore-fulcio-url',
    /an http or https URL/
  ],
  [
    'a trusted root that is missing',
    { 'sigstore-trusted-root': 'missing.json' },
    'sigstore-trusted-root',
    /does not exist/
  ],
  [
    'verify by identity without trusted root',
    {
      mode: 'verify',
      source: 'models:/m/1',
      'model-path': '',
      'certificate-identity': 'repo:o/r:ref:refs/heads/main',
      'certificate-oidc-issuer': 'https://token.actions.githubusercontent.com'
    },
    'sigstore-trusted-root',
    /needs the Sigstore trusted root/
  ]
]

const ID_TOKEN_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}

describe('keyless signing settings', () => {
  it('default to the public-good services', () => {
    const { signing } = parse({})
    expect(signing.sigstore.fulcioUrl).toBe('https://fulcio.sigstore.dev')
    expect(signing.sigstore.rekorUrl).toBe('https://rekor.sigstore.dev')
  })

  it('read sigstore signing with id-token write', () => {
    const config = parseConfig(
      settingsFrom({
        ...BASE,
        signing: 'sigstore',
        'sigstore-fulcio-url': 'http://127.0.0.1:8080/',
        'sigstore-rekor-url': 'http://127.0.0.1:8080'
      }),
      workspace,
      ID_TOKEN_ENV
    )
    expect(config.signing.method).toBe('sigstore')
    expect(config.signing.sigstore.fulcioUrl).toBe('http://127.0.0.1:8080')
  })

  it('need no id-token write for a dry run', () => {
    const config = parseConfig(
      settingsFrom({ ...BASE, signing: 'sigstore', 'dry-run': 'true' }),
      workspace,
      {}
    )
    expect(config.dryRun).toBe(true)
    expect(config.signing.method).toBe('sigstore')
  })

  it('resolve the trusted root in the workspace', () => {
    writeFileSync(path.join(workspace, 'trusted_root.json'), '{}')
    const { signing } = parse({ 'sigstore-trusted-root': 'trusted_root.json' })
    expect(signing.sigstore.trustedRootPath).toBe(
      path.join(workspace, 'trusted_root.json')
    )
  })
})

describe('signing settings reject', () => {
  it.each(INVALID)('%s', (_case, inputs, name, problem) => {
    const error = diagnosedErrorOf(() => parse(inputs))
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain(`\`${name}\``)
    expect(error.message).toMatch(problem)
  })

  it('a key without quoting it', () => {
    const broken = P256.privatePem.replace('PRIVATE KEY-----\n', 'X')
    const error = diagnosedErrorOf(() =>
      parse({ signing: 'key', 'signing-key': broken })
    )
    const body = P256.privatePem.split('\n')[1] ?? ''
    expect(JSON.stringify(error.diagnosis)).not.toContain(body.slice(0, 20))
  })
})

describe('offline registration', () => {
  it('rejects signing', () => {
    const settings = settingsFrom({
      offline: 'true',
      'model-name': 'fraud-model',
      'model-path': 'model',
      signing: 'key',
      'signing-key': P256.privatePem
    })
    const error = diagnosedErrorOf(() =>
      parseOfflineConfig(settings, workspace)
    )
    expect(error.message).toContain('`signing`')
    expect(error.message).toContain('local registry is not signed')
  })

  it.each([
    ['verify-signature', 'signature'],
    ['digest-source', 'model digest']
  ])('rejects %s', (input, check) => {
    const settings = settingsFrom({
      offline: 'true',
      'model-name': 'fraud-model',
      source: 'runs:/0a1b2c/model',
      [input]: 'true',
      'verify-key': P256.publicPem
    })
    const error = diagnosedErrorOf(() =>
      parseOfflineConfig(settings, workspace)
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain(`\`${input}\``)
    expect(error.message).toContain(check)
  })

  it.each(['verify-signature', 'digest-source'])('accepts %s false', input => {
    const settings = settingsFrom({
      offline: 'true',
      'model-name': 'fraud-model',
      'model-path': 'model',
      [input]: 'false'
    })
    expect(parseOfflineConfig(settings, workspace)).toBeDefined()
  })
})
