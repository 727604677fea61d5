import { describe, expect, it } from '@jest/globals'

import { persistedBytes } from '../../../src/storage/gcs-writer.js'

describe('persistedBytes', () => {
  it('reads the bytes a 308 confirms', () => {
    expect(persistedBytes('bytes=0-8388607', 0, 'gs://b/k')).toBe(8388608)
  })

  it('reads no Range as nothing kept', () => {
    expect(persistedBytes(undefined, 0, 'gs://b/k')).toBe(0)
  })

  it('rejects a count below the chunk start', () => {
    expect(() => persistedBytes('bytes=0-99', 1000, 'gs://b/k')).toThrow(
      'has persisted 100 bytes'
    )
  })
})
