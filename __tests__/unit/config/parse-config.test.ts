import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import type { InputName } from '../../../src/config/inputs.js'
import { parseConfig } from '../../../src/config/parse-config.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const PASSWORD = 'Pa55-word-secret'
const TOKEN = 'tok-secret-123'

const BASE: InputValues = {
  'tracking-uri': 'https://mlflow.test/mlflow/',
  'model-name': 'fraud-model',
  source: 'runs:/0a1b2c/model'
}

let workspace: string

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'parse-config-'))
  mkdirSync(path.join(workspace, 'model'))
  writeFileSync(path.join(workspace, 'model', 'MLmodel'), 'flavors: {}\n')
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})

function parse(inputs: InputValues, env: NodeJS.ProcessEnv = {}) {
  return parseConfig(settingsFrom({ ...BASE, ...inputs }, env), workspace)
}

describe('parseConfig with valid inputs', () => {
  it('reads a source registration with the defaults', () => {
    const config = parse({})
    expect(config).toMatchObject({
      mode: 'register',
      modelName: 'fraud-model',
      source: 'runs:/0a1b2c/model',
      artifactPath: 'model',
      experimentName: 'mlflow-register',
      tags: [],
      aliases: [],
      forceNewVersion: false,
      attest: false,
      waitTimeoutMs: 300_000,
      requestTimeoutMs: 60_000,
      maxAttempts: 5,
      retryMaxTimeMs: 120_000,
      retryInitialDelayMs: 500,
      auth: { mode: 'auto', tokenHeader: 'Authorization' }
    })
    expect(config.trackingUri.href).toBe('https://mlflow.test/mlflow')
  })

  it('leaves unset optional inputs out', () => {
    const config = parse({})
    expect(config).not.toHaveProperty('description')
    expect(config).not.toHaveProperty('idempotencyKey')
    expect(config).not.toHaveProperty('modelPath')
    expect(config.auth).toEqual({ mode: 'auto', tokenHeader: 'Authorization' })
  })

  it('reads every optional input', () => {
    const config = parse({
      description: 'Nightly | retrain',
      tags: 'team=risk',
      aliases: 'champion',
      'idempotency-key': 'release-42',
      'experiment-name': 'ci'
    })
    expect(config.description).toBe('Nightly | retrain')
    expect(config.tags).toEqual([{ key: 'team', value: 'risk' }])
    expect(config.aliases).toEqual(['champion'])
    expect(config.idempotencyKey).toBe('release-42')
    expect(config.experimentName).toBe('ci')
  })

  it('accepts a description of 5000 characters', () => {
    const description = 'd'.repeat(5000)
    expect(parse({ description }).description).toBe(description)
  })

  it('resolves model-path against the workspace', () => {
    const config = parse({ source: '', 'model-path': 'model' })
    expect(config.modelPath).toBe(path.join(workspace, 'model'))
    expect(config).not.toHaveProperty('source')
  })

  it.each([
    ['/model/', 'model'],
    ['nested/model', 'nested/model'],
    ['model;v2', 'model;v2'],
    ['100%model', '100%model']
  ])('normalises artifact-path %s to %s', (value, expected) => {
    expect(parse({ 'artifact-path': value }).artifactPath).toBe(expected)
  })

  it.each([
    ['true', true],
    ['TRUE', true],
    ['1', true],
    ['yes', true],
    ['false', false],
    ['0', false],
    ['No', false]
  ])('reads force-new-version %s', (value, expected) => {
    expect(parse({ 'force-new-version': value }).forceNewVersion).toBe(expected)
  })

  it('reads attest true for a model path', () => {
    const settings = settingsFrom({
      ...BASE,
      source: '',
      'model-path': 'model',
      'github-token': TOKEN,
      attest: 'true'
    })
    const config = parseConfig(settings, workspace, {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
    })
    expect(config.attest).toBe(true)
  })

  it('reads attest true for an unsigned source', () => {
    const settings = settingsFrom({
      ...BASE,
      'github-token': TOKEN,
      attest: 'true'
    })
    const config = parseConfig(settings, workspace, {
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
    })
    expect(config.attest).toBe(true)
    expect(config.signing.verifySignature).toBe(false)
  })

  it.each([
    [undefined, false],
    ['true', true],
    ['false', false]
  ])('reads digest-source %s', (value, expected) => {
    const inputs = value === undefined ? {} : { 'digest-source': value }
    expect(parse(inputs).signing.digestSource).toBe(expected)
  })

  it('rejects digest-source with a model path', () => {
    const error = diagnosedErrorOf(() =>
      parse({ source: '', 'model-path': 'model', 'digest-source': 'true' })
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain('`digest-source`')
  })

  it('rejects attest without id-token write', () => {
    const error = diagnosedErrorOf(() =>
      parse({ source: '', 'model-path': 'model', attest: 'true' })
    )
    expect(error.diagnosis.code).toBe('ATTESTATION_PERMISSION')
    expect(error.diagnosis.fix).toContain('id-token: write')
  })

  it.each([
    ['wait-timeout', '1', 'waitTimeoutMs', 1000],
    ['wait-timeout', '86400', 'waitTimeoutMs', 86_400_000],
    ['request-timeout', '5', 'requestTimeoutMs', 5000],
    ['max-attempts', '1', 'maxAttempts', 1],
    ['max-attempts', '20', 'maxAttempts', 20],
    ['retry-max-time', '3', 'retryMaxTimeMs', 3000],
    ['retry-initial-delay', '0', 'retryInitialDelayMs', 0],
    ['retry-initial-delay', '0.05', 'retryInitialDelayMs', 50],
    ['retry-initial-delay', '60', 'retryInitialDelayMs', 60_000]
  ] as const)('reads %s %s', (name, value, field, expected) => {
    expect(parse({ [name]: value })[field]).toBe(expected)
  })

  it.each(['auto', 'none', 'basic', 'bearer'])('reads auth-mode %s', mode => {
    expect(parse({ 'auth-mode': mode }).auth.mode).toBe(mode)
  })

  it('reads a token header other than Authorization', () => {
    const config = parse({ token: TOKEN, 'token-header': 'X-API-Key' })
    expect(config.auth.tokenHeader).toBe('X-API-Key')
    expect(config.auth.token).toBe(TOKEN)
  })

  it('takes credentials from the user info of the tracking URI', () => {
    const config = parse({ 'tracking-uri': `https://ci:${PASSWORD}@h.test` })
    expect(config.auth.username).toBe('ci')
    expect(config.auth.password).toBe(PASSWORD)
    expect(config.trackingUri.href).toBe('https://h.test/')
  })

  it('prefers the username input to the user info', () => {
    const config = parse({
      'tracking-uri': 'https://ci:pw@h.test',
      username: 'admin'
    })
    expect(config.auth.username).toBe('admin')
    expect(config.auth.password).toBe('pw')
  })

  it('reads credentials from the MLflow variables', () => {
    const config = parse(
      {},
      { MLFLOW_TRACKING_USERNAME: 'ci', MLFLOW_TRACKING_PASSWORD: PASSWORD }
    )
    expect(config.auth.username).toBe('ci')
    expect(config.auth.password).toBe(PASSWORD)
  })
})

describe('parseConfig origins', () => {
  it('labels inputs, variables and defaults', () => {
    const config = parse(
      { 'tracking-uri': '' },
      { MLFLOW_TRACKING_URI: 'https://h.test' }
    )
    expect(config.origins.get('model-name')).toBe('input `model-name`')
    expect(config.origins.get('tracking-uri')).toBe('MLFLOW_TRACKING_URI')
    expect(config.origins.get('auth-mode')).toBe('the default')
  })

  it('labels credentials from the user info', () => {
    const config = parse({ 'tracking-uri': 'https://ci:pw@h.test' })
    expect(config.origins.get('username')).toBe(
      'the user info of the tracking URI'
    )
    expect(config.origins.get('password')).toBe(
      'the user info of the tracking URI'
    )
  })

  it('has no origin for an unset input', () => {
    expect(parse({}).origins.has('token')).toBe(false)
  })
})

describe('parseConfig in preflight mode', () => {
  it('needs no model name and no model', () => {
    const config = parse({ mode: 'preflight', 'model-name': '', source: '' })
    expect(config.mode).toBe('preflight')
    expect(config.modelName).toBe('')
  })

  it('does not check the model location', () => {
    const config = parse({ mode: 'preflight', 'model-path': 'missing' })
    expect(config).not.toHaveProperty('modelPath')
    expect(config).not.toHaveProperty('source')
  })

  it('still checks a model name that is set', () => {
    const error = diagnosedErrorOf(() =>
      parse({ mode: 'preflight', 'model-name': 'a/b' })
    )
    expect(error.message).toContain('input `model-name`')
  })
})

// One row per invalid value: the input, the value, the problem in the
// message and the fix.
const INVALID: [InputName, string, RegExp, RegExp][] = [
  [
    'mode',
    'deploy',
    /expected register or preflight or sync or verify, got "deploy"/,
    /mode/
  ],
  ['tracking-uri', '', /no tracking server/, /MLFLOW_TRACKING_URI/],
  ['tracking-uri', 'mlruns', /local store/, /mlflow server/],
  ['model-name', '', /required but empty/, /Set `model-name`/],
  ['model-name', 'team/model', /not a valid registered model name/, /fraud/],
  ['source', '/tmp/model', /local path/, /`model-path`/],
  ['model-path', 'missing', /is not a directory/, /`model-path`/],
  ['artifact-path', '..', /not a relative path inside a run/, /relative/],
  ['artifact-path', '/', /not a relative path inside a run/, /relative/],
  ['artifact-path', 'a//b', /not a relative path inside a run/, /relative/],
  ['artifact-path', 'model#1', /MLflow refuses/, /relative/],
  ['artifact-path', 'm%41', /MLflow refuses/, /relative/],
  ['artifact-path', 'm?x', /MLflow refuses/, /relative/],
  ['artifact-path', 'a/./b', /not a relative path inside a run/, /relative/],
  ['tags', 'team', /expected key=value/, /key=value/],
  ['tags', 'te$m=risk', /tag key "te\$m" is invalid/, /Rename/],
  ['aliases', 'latest', /'latest' is reserved/, /champion/],
  ['auth-mode', 'oauth', /expected one of auto, none, basic, bearer/, /auto/],
  ['token-header', 'X API Key', /not a valid HTTP header name/, /X-API-Key/],
  ['token-header', 'X-Key:', /not a valid HTTP header name/, /X-API-Key/],
  ['force-new-version', 'maybe', /expected true or false/, /true or false/],
  ['attest', 'sometimes', /expected true or false/, /`attest` to true/],
  ['wait-timeout', '0', /from 1 to 86400, got "0"/, /seconds/],
  ['wait-timeout', '-1', /from 1 to 86400, got "-1"/, /seconds/],
  ['wait-timeout', '1.5', /from 1 to 86400, got "1.5"/, /seconds/],
  ['wait-timeout', '5m', /from 1 to 86400, got "5m"/, /seconds/],
  ['wait-timeout', '86401', /from 1 to 86400, got "86401"/, /seconds/],
  ['request-timeout', '0', /from 1 to 86400/, /`request-timeout`/],
  ['max-attempts', '0', /a whole number from 1 to 20, got "0"/, /5/],
  ['max-attempts', '21', /a whole number from 1 to 20, got "21"/, /5/],
  ['max-attempts', 'five', /a whole number from 1 to 20/, /5/],
  ['retry-max-time', '0', /from 1 to 86400, got "0"/, /`retry-max-time`/],
  ['retry-initial-delay', '61', /from 0 to 60, got "61"/, /0\.5/],
  ['retry-initial-delay', '-1', /from 0 to 60, got "-1"/, /0\.5/],
  ['retry-initial-delay', '0.0001', /from 0 to 60/, /0\.5/],
  ['retry-initial-delay', '1e3', /from 0 to 60/, /0\.5/]
]

describe('parseConfig rejects', () => {
  it.each(INVALID)('%s %j', (name, value, problem, fix) => {
    const inputs = name === 'model-path' ? { source: '', [name]: value } : {}
    const error = diagnosedErrorOf(() => parse({ ...inputs, [name]: value }))
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain(`\`${name}\``)
    expect(error.message).toMatch(problem)
    expect(error.diagnosis.fix).toMatch(fix)
  })

  it('a description over 5000 characters', () => {
    const error = diagnosedErrorOf(() =>
      parse({ description: 'd'.repeat(5001) })
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain('input `description`')
    expect(error.message).toContain('5001 characters long')
    expect(error.message).toContain('at most 5000')
    expect(error.message).not.toContain('ddddd')
  })

  it('a username with a colon', () => {
    const error = diagnosedErrorOf(() =>
      parse({ username: 'ci:bot', password: 'secret-pw' })
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain('input `username`')
    expect(error.message).toContain('contains ":"')
    expect(error.message).not.toContain('secret-pw')
  })

  it('names the variable an invalid value came from', () => {
    const error = diagnosedErrorOf(() =>
      parse({ 'tracking-uri': '' }, { MLFLOW_TRACKING_URI: 'mlruns' })
    )
    expect(error.message).toContain('environment variable MLFLOW_TRACKING_URI')
  })
})

describe('parseConfig never shows a secret', () => {
  const secrets: InputValues = {
    'tracking-uri': `https://ci:${PASSWORD}@mlflow.test`,
    token: TOKEN
  }

  it.each(INVALID.filter(([name]) => name !== 'tracking-uri'))(
    'in the error for %s %j',
    (name, value) => {
      const inputs = name === 'model-path' ? { source: '' } : {}
      const error = diagnosedErrorOf(() =>
        parse({ ...secrets, ...inputs, [name]: value })
      )
      const shown = `${error.message} ${JSON.stringify(error.diagnosis)}`
      expect(shown).not.toContain(PASSWORD)
      expect(shown).not.toContain(TOKEN)
    }
  )

  it('in the error for a tracking URI with a query', () => {
    const error = diagnosedErrorOf(() =>
      parse({ 'tracking-uri': `https://ci:${PASSWORD}@h.test/?a=1` })
    )
    expect(JSON.stringify(error.diagnosis)).not.toContain(PASSWORD)
  })
})
