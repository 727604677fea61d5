import { describe, expect, it } from '@jest/globals'

import { FirstFailure } from '../../../src/async/first-failure.js'

describe('FirstFailure', () => {
  it('throws nothing when no item failed', () => {
    expect(() => {
      new FirstFailure().throwIfAny()
    }).not.toThrow()
  })

  it('keeps the error of the earliest item', () => {
    const failure = new FirstFailure()
    const early = new Error('item 2')
    failure.record(5, new Error('item 5'))
    failure.record(2, early)
    failure.record(3, new Error('item 3'))
    expect(() => {
      failure.throwIfAny()
    }).toThrow(early)
  })

  it('skips only the items after the failed one', () => {
    const failure = new FirstFailure()
    failure.record(4, new Error('item 4'))
    expect(failure.skips(3)).toBe(false)
    expect(failure.skips(4)).toBe(false)
    expect(failure.skips(5)).toBe(true)
  })

  it('cancels the work on later items only', () => {
    const failure = new FirstFailure()
    const before = failure.track(1)
    const after = failure.track(7)
    failure.record(4, new Error('item 4'))
    expect(before.aborted).toBe(false)
    expect(after.aborted).toBe(true)
  })

  it('cancels no work that has ended', () => {
    const failure = new FirstFailure()
    const ended = failure.track(7)
    failure.untrack(7)
    failure.record(4, new Error('item 4'))
    expect(ended.aborted).toBe(false)
  })
})
