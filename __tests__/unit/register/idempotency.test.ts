import { describe, expect, it } from '@jest/globals'

import { deriveIdempotencyKey } from '../../../src/register/idempotency.js'
import type { Provenance } from '../../../src/register/provenance.js'

const RUN: Provenance = {
  system: 'github-actions',
  repository: 'hokusai/models',
  workflow: 'release',
  runId: '1001',
  runAttempt: '1',
  commit: 'abc123'
}
const SOURCE = { source: 'runs:/0a1b2c/model' }
const KEY = deriveIdempotencyKey(RUN, 'fraud-model', SOURCE)

describe('deriveIdempotencyKey', () => {
  it('is a SHA-256 in hex', () => {
    expect(KEY).toMatch(/^[0-9a-f]{64}$/)
  })

  it('is stable for the same run, model and source', () => {
    expect(deriveIdempotencyKey({ ...RUN }, 'fraud-model', SOURCE)).toBe(KEY)
  })

  it('is the same on a re-run attempt', () => {
    const rerun = { ...RUN, runAttempt: '2' }
    expect(deriveIdempotencyKey(rerun, 'fraud-model', SOURCE)).toBe(KEY)
  })

  it('ignores the commit, which a re-run keeps anyway', () => {
    const other = { ...RUN, commit: 'def456' }
    expect(deriveIdempotencyKey(other, 'fraud-model', SOURCE)).toBe(KEY)
  })

  it.each<
    [string, Provenance, string, Parameters<typeof deriveIdempotencyKey>[2]]
  >([
    ['run id', { ...RUN, runId: '1002' }, 'fraud-model', SOURCE],
    ['repository', { ...RUN, repository: 'hokusai/x' }, 'fraud-model', SOURCE],
    ['workflow', { ...RUN, workflow: 'nightly' }, 'fraud-model', SOURCE],
    ['CI system', { ...RUN, system: 'gitlab-ci' }, 'fraud-model', SOURCE],
    ['model name', RUN, 'churn-model', SOURCE],
    ['source', RUN, 'fraud-model', { source: 'runs:/0a1b2c/other' }],
    ['kind of origin', RUN, 'fraud-model', { contentDigest: SOURCE.source }]
  ])('changes with the %s', (_, provenance, modelName, origin) => {
    expect(deriveIdempotencyKey(provenance, modelName, origin)).not.toBe(KEY)
  })

  it('changes with the content digest of a model directory', () => {
    const first = deriveIdempotencyKey(RUN, 'm', { contentDigest: 'aa' })
    const second = deriveIdempotencyKey(RUN, 'm', { contentDigest: 'ab' })
    expect(first).not.toBe(second)
  })

  it('keeps fields apart, so shifted text does not collide', () => {
    const a = deriveIdempotencyKey(
      { system: 'local', repository: 'a', workflow: 'bc' },
      'm',
      SOURCE
    )
    const b = deriveIdempotencyKey(
      { system: 'local', repository: 'ab', workflow: 'c' },
      'm',
      SOURCE
    )
    expect(a).not.toBe(b)
  })
})
