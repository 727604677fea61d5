/**
 * The bounded pool with tasks that fail: the error reported does not
 * depend on which task fails first, and no item starts after a failure.
 */
import { setTimeout as sleep } from 'node:timers/promises'

import { describe, expect, it } from '@jest/globals'

import { forEachBounded } from '../../../src/async/bounded-pool.js'
import { rejectionOf } from '../fixtures/thrown.js'

describe('forEachBounded with failing tasks', () => {
  it('rejects with the first failing item', async () => {
    // Item 0 fails last, as a large file's read would.
    const error = await rejectionOf(
      forEachBounded([50, 0, 0], 3, async (delayMs, index) => {
        await sleep(delayMs)
        throw new Error(`item ${index} failed`)
      })
    )
    expect(error).toEqual(new Error('item 0 failed'))
  })

  it('starts no item after a failure', async () => {
    const started: number[] = []
    const items = Array.from({ length: 10 }, (_, index) => index)
    await rejectionOf(
      forEachBounded(items, 2, async index => {
        started.push(index)
        if (index === 0) throw new Error('item 0 failed')
        await sleep(20)
      })
    )
    // Long enough for item 1 to end and a next item to start.
    await sleep(50)
    expect(started).toEqual([0, 1])
  })

  it('settles the tasks in flight first', async () => {
    let finished = false
    await rejectionOf(
      forEachBounded([0, 1], 2, async index => {
        if (index === 0) throw new Error('item 0 failed')
        await sleep(20)
        finished = true
      })
    )
    expect(finished).toBe(true)
  })

  it('runs every item when none fails', async () => {
    const done: number[] = []
    await forEachBounded([3, 1, 2], 2, async (item, index) => {
      await sleep(item * 5)
      done[index] = item
    })
    expect(done).toEqual([3, 1, 2])
  })
})
