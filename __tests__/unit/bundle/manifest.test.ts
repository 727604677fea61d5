import { describe, expect, it } from '@jest/globals'

import {
  BUNDLE_SCHEMA_VERSION,
  manifestSchema
} from '../../../src/bundle/manifest.js'

const SHA = 'a'.repeat(64)

function manifest(overrides: Record<string, unknown> = {}) {
  return {
    schemaVersion: BUNDLE_SCHEMA_VERSION,
    bundleId: '20261205T013000Z-fraud-model-0a1b2c3d',
    createdAt: '2026-12-05T01:30:00.000Z',
    trackingUri: 'https://mlflow.test/mlflow',
    registration: {
      modelName: 'fraud-model',
      modelDirectory: 'model',
      artifactPath: 'model',
      experimentName: 'mlflow-register',
      tags: [{ key: 'team', value: 'risk' }],
      aliases: ['champion'],
      idempotencyKey: 'b'.repeat(64)
    },
    provenance: { system: 'github-actions', runId: '42' },
    lastError: { code: 'UNREACHABLE', title: 'The server cannot be reached' },
    files: [{ path: 'model/MLmodel', size: 10, sha256: SHA }],
    ...overrides
  }
}

function registration(overrides: Record<string, unknown>) {
  return { ...manifest().registration, ...overrides }
}

describe('manifestSchema', () => {
  it('accepts a bundle with model files', () => {
    expect(manifestSchema.safeParse(manifest()).success).toBe(true)
  })

  it('accepts a bundle with a source URI', () => {
    const value = manifest({
      registration: registration({
        modelDirectory: undefined,
        source: 'runs:/0a1b/model',
        runId: '0a1b'
      }),
      files: []
    })
    expect(manifestSchema.safeParse(value).success).toBe(true)
  })

  it.each([
    ['another schema version', { schemaVersion: 2 }],
    ['credentials in the tracking URI', { trackingUri: 'https://u:p@h.test' }],
    ['a query in the tracking URI', { trackingUri: 'https://h.test/?t=x' }],
    ['a bundle id with a slash', { bundleId: 'a/b' }],
    ['a bundle id of ..', { bundleId: '..' }],
    ['an unknown diagnosis code', { lastError: { code: 'NOPE', title: 'x' } }],
    ['an unknown field', { password: 'secret' }],
    ['a date that is not ISO', { createdAt: 'yesterday' }],
    [
      'a file path escaping the bundle',
      { files: [{ path: '../x', size: 1, sha256: SHA }] }
    ],
    [
      'an absolute file path',
      { files: [{ path: '/etc/passwd', size: 1, sha256: SHA }] }
    ],
    [
      'a checksum that is not SHA-256',
      { files: [{ path: 'model/MLmodel', size: 1, sha256: 'abc' }] }
    ],
    [
      'a negative size',
      { files: [{ path: 'model/MLmodel', size: -1, sha256: SHA }] }
    ],
    [
      'both a source and model files',
      { registration: registration({ source: 'runs:/0a1b/model' }) }
    ],
    [
      'neither a source nor model files',
      { registration: registration({ modelDirectory: undefined }) }
    ],
    [
      'a model directory escaping the bundle',
      { registration: registration({ modelDirectory: '../model' }) }
    ],
    [
      'an empty idempotency key',
      { registration: registration({ idempotencyKey: '' }) }
    ]
  ])('rejects %s', (_case, overrides) => {
    expect(manifestSchema.safeParse(manifest(overrides)).success).toBe(false)
  })
})
