import { describe, expect, it, jest } from '@jest/globals'

import { resolveAuth } from '../../../src/auth/resolve-auth.js'
import { OUTPUTS } from '../../../src/config/inputs.js'
import { parseConfig } from '../../../src/config/parse-config.js'
import { diagnose } from '../../../src/diagnosis/diagnosis.js'
import {
  collectOutputs,
  modelVersionUrl,
  summarize,
  writeOutputs,
  type RunResult
} from '../../../src/github/outputs.js'
import type { Host } from '../../../src/host/host.js'
import type { ModelVersion } from '../../../src/mlflow/schemas.js'
import { recordingLogger } from '../fixtures/logger.js'
import { settingsFrom } from '../fixtures/settings.js'

const VERSION: ModelVersion = {
  name: 'fraud model',
  version: '3',
  source: 'mlflow-artifacts:/1/abc/artifacts/model',
  tags: [],
  aliases: []
}

const config = parseConfig(
  settingsFrom({
    'tracking-uri': 'https://ci:pw@mlflow.test/mlflow/',
    'model-name': 'fraud model',
    source: 'runs:/abc/model',
    aliases: 'champion'
  }),
  '/'
)
const auth = resolveAuth(config.auth, config.origins, jest.fn())

const REGISTERED: RunResult = {
  outcome: 'registered',
  config,
  auth,
  version: VERSION
}

describe('modelVersionUrl', () => {
  it.each([
    ['https://mlflow.test/mlflow', 'https://mlflow.test/mlflow/#/models'],
    ['https://mlflow.test/', 'https://mlflow.test/#/models'],
    ['https://u:p@mlflow.test/m', 'https://mlflow.test/m/#/models']
  ])('links below %s', (uri, prefix) => {
    expect(modelVersionUrl(new URL(uri), VERSION)).toBe(
      `${prefix}/fraud%20model/versions/3`
    )
  })

  it('encodes what would end a Markdown link', () => {
    const version = { ...VERSION, name: "churn (it's)" }
    expect(modelVersionUrl(new URL('https://mlflow.test/'), version)).toBe(
      'https://mlflow.test/#/models/churn%20%28it%27s%29/versions/3'
    )
  })
})

describe('collectOutputs', () => {
  it('fills every output of a registration', () => {
    expect(collectOutputs(REGISTERED)).toEqual({
      outcome: 'registered',
      'model-name': 'fraud model',
      'model-version': '3',
      'model-uri': 'models:/fraud model/3',
      'model-url':
        'https://mlflow.test/mlflow/#/models/fraud%20model/versions/3',
      'auth-mode': 'basic',
      comparison: '',
      diagnosis: '',
      'bundle-path': '',
      'bundle-artifact': '',
      'bundle-key': '',
      'sync-report': '',
      'planned-calls': '',
      'report-path': '',
      'attestation-url': '',
      'model-digest': ''
    })
  })

  it('has a key for every declared output', () => {
    expect(Object.keys(collectOutputs({ outcome: 'failed' })).sort()).toEqual(
      OUTPUTS.map(output => output.name).sort()
    )
  })

  it('leaves unknown values empty after an early failure', () => {
    const diagnosis = diagnose('CLIENT_CONFIG', 'd', 'f')
    expect(collectOutputs({ outcome: 'failed', diagnosis })).toEqual({
      outcome: 'failed',
      'model-name': '',
      'model-version': '',
      'model-uri': '',
      'model-url': '',
      'auth-mode': '',
      comparison: '',
      diagnosis: 'CLIENT_CONFIG',
      'bundle-path': '',
      'bundle-artifact': '',
      'bundle-key': '',
      'sync-report': '',
      'planned-calls': '',
      'report-path': '',
      'attestation-url': '',
      'model-digest': ''
    })
  })

  it('links the attestation of an attested version', () => {
    const url = 'https://github.com/o/r/attestations/4100'
    const outputs = collectOutputs({
      ...REGISTERED,
      attestation: { id: '4100', url }
    })
    expect(outputs['attestation-url']).toBe(url)
  })

  it('names the bundle of a deferred registration', () => {
    const outputs = collectOutputs({
      outcome: 'deferred',
      bundle: { path: '/tmp/bundles/b1' }
    })
    expect(outputs['bundle-path']).toBe('/tmp/bundles/b1')
  })

  it('reports each synced bundle as JSON', () => {
    const outputs = collectOutputs({
      outcome: 'synced',
      sync: {
        entries: [
          { bundle: 'b1', modelName: 'm', status: 'synced', version: '2' }
        ]
      }
    })
    expect(JSON.parse(outputs['sync-report'])).toEqual([
      {
        bundle: 'b1',
        model: 'm',
        status: 'synced',
        version: '2',
        diagnosis: null
      }
    ])
  })

  it('counts synced bundles for the summary', () => {
    const summary = summarize({
      outcome: 'failed',
      sync: {
        entries: [
          { bundle: 'b1', status: 'synced' },
          { bundle: 'b2', status: 'synced' },
          { bundle: 'b3', status: 'failed' }
        ]
      }
    })
    expect(summary.syncCounts).toBe('2 synced, 1 failed')
  })

  it('says when no bundle was pending', () => {
    const summary = summarize({ outcome: 'synced', sync: { entries: [] } })
    expect(summary.syncCounts).toBe('none pending')
  })

  it('names the configured model before a version exists', () => {
    const outputs = collectOutputs({ outcome: 'checked', config, auth })
    expect(outputs['model-name']).toBe('fraud model')
    expect(outputs['model-version']).toBe('')
  })
})

describe('writeOutputs', () => {
  it('sets every output on the host', () => {
    const setOutput = jest.fn<Host['setOutput']>()
    const host: Host = {
      log: recordingLogger(),
      env: {},
      getInput: () => '',
      setSecret: jest.fn(),
      setOutput,
      writeSummary: () => Promise.resolve(),
      setFailed: jest.fn()
    }
    writeOutputs(host, { outcome: 'failed' })
    expect(setOutput.mock.calls.map(([name]) => name)).toEqual(
      OUTPUTS.map(output => output.name)
    )
  })
})

describe('summarize', () => {
  it('shows the tracking URI without credentials', () => {
    expect(summarize(REGISTERED).trackingUri).toBe('https://mlflow.test/mlflow')
  })

  it('lists aliases once a version exists', () => {
    expect(summarize(REGISTERED).aliases).toEqual(['champion'])
  })

  it('lists no aliases without a version', () => {
    expect(summarize({ outcome: 'failed', config, auth }).aliases).toEqual([])
  })

  it('carries the auth decision and the diagnosis', () => {
    const diagnosis = diagnose('SERVER_UNAVAILABLE', 'd', 'f')
    const summary = summarize({ ...REGISTERED, diagnosis })
    expect(summary.authReason).toBe(auth.reason)
    expect(summary.diagnosis).toBe(diagnosis)
  })
})
