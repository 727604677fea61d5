import { describe, expect, it } from '@jest/globals'

import { afterIo } from '../../../src/async/after-io.js'

describe('afterIo', () => {
  it('resolves with what the work returns', async () => {
    await expect(afterIo(() => 'key')).resolves.toBe('key')
  })

  it('rejects with the error the work throws', async () => {
    const failure = new Error('hash failed')
    await expect(
      afterIo(() => {
        throw failure
      })
    ).rejects.toBe(failure)
  })

  it('runs after pending promise jobs', async () => {
    const order: string[] = []
    const done = afterIo(() => order.push('work'))
    order.push('caller')
    await Promise.resolve().then(() => order.push('promise job'))
    expect(order).toEqual(['caller', 'promise job'])
    await done
    expect(order).toEqual(['caller', 'promise job', 'work'])
  })
})
