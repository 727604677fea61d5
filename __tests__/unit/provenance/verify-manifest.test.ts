import { describe, expect, it } from '@jest/globals'

import { findFirstDifference } from '../../../src/provenance/verify-manifest.js'

const SIGNED = [
  { name: 'MLmodel', digest: '1'.repeat(64) },
  { name: 'data/model.pkl', digest: '2'.repeat(64) },
  { name: 'data.txt', digest: '3'.repeat(64) }
]

describe('findFirstDifference', () => {
  it('returns nothing for the signed files', () => {
    expect(findFirstDifference(SIGNED, [...SIGNED].reverse())).toBeUndefined()
  })

  it.each([
    [
      'a changed file',
      SIGNED.map(f =>
        f.name === 'data.txt' ? { ...f, digest: '9'.repeat(64) } : f
      ),
      { kind: 'changed', name: 'data.txt' }
    ],
    [
      'an added file',
      [...SIGNED, { name: 'data/extra.py', digest: '4'.repeat(64) }],
      { kind: 'added', name: 'data/extra.py' }
    ],
    [
      'a missing file',
      SIGNED.filter(f => f.name !== 'MLmodel'),
      { kind: 'missing', name: 'MLmodel' }
    ],
    [
      'a renamed file, at its old name',
      SIGNED.map(f =>
        f.name === 'data/model.pkl' ? { ...f, name: 'data/x.pkl' } : f
      ),
      { kind: 'missing', name: 'data/model.pkl' }
    ]
  ])('names %s', (_case, actual, difference) => {
    expect(findFirstDifference(SIGNED, actual)).toEqual(difference)
  })

  it('reports the first difference in manifest order', () => {
    const actual = [
      { name: 'MLmodel', digest: '0'.repeat(64) },
      { name: 'data.txt', digest: '0'.repeat(64) },
      { name: 'data/model.pkl', digest: '0'.repeat(64) }
    ]
    expect(findFirstDifference(SIGNED, actual)).toEqual({
      kind: 'changed',
      name: 'MLmodel'
    })
  })
})
