import { describe, expect, it } from '@jest/globals'

import { countOf } from '../../../src/text/plural.js'

describe('countOf', () => {
  it.each([
    [0, 'versions'],
    [1, 'version'],
    [2, 'versions']
  ])('writes %i with its noun', (count, noun) => {
    expect(countOf(count, 'version')).toBe(`${count} ${noun}`)
  })

  it('takes an irregular plural', () => {
    expect(countOf(2, 'cache entry', 'cache entries')).toBe('2 cache entries')
  })
})
