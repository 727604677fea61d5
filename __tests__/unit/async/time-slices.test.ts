import { describe, expect, it } from '@jest/globals'

import { forEachInSlices, TimeSlicer } from '../../../src/async/time-slices.js'

/** Blocks the thread for `ms`, as a slow synchronous call would. */
function busyWait(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // Spins on purpose: the test needs synchronous work.
  }
}

describe('forEachInSlices', () => {
  it('runs the task on every item in order', async () => {
    const seen: number[] = []
    await forEachInSlices([1, 2, 3], item => seen.push(item))
    expect(seen).toEqual([1, 2, 3])
  })

  it('lets a pending callback run between slices', async () => {
    const order: string[] = []
    setImmediate(() => order.push('callback'))
    await forEachInSlices(
      ['a', 'b', 'c'],
      item => {
        busyWait(6)
        order.push(item)
      },
      new TimeSlicer(5)
    )
    expect(order.indexOf('callback')).toBeGreaterThan(0)
    expect(order.indexOf('callback')).toBeLessThan(order.length - 1)
  })

  it('runs short work without a turn of the event loop', async () => {
    const order: string[] = []
    setImmediate(() => order.push('callback'))
    await forEachInSlices(
      ['a', 'b'],
      item => order.push(item),
      new TimeSlicer(1_000)
    )
    expect(order).toEqual(['a', 'b'])
  })

  it('stops at the first item that throws', async () => {
    const seen: number[] = []
    const failure = new Error('unreadable')
    const run = forEachInSlices([1, 2, 3], item => {
      if (item === 2) throw failure
      seen.push(item)
    })
    await expect(run).rejects.toBe(failure)
    expect(seen).toEqual([1])
  })

  it('keeps one clock across loops that share a slicer', async () => {
    const order: string[] = []
    const slicer = new TimeSlicer(5)
    setImmediate(() => order.push('callback'))
    for (const folder of ['a', 'b', 'c']) {
      await forEachInSlices(
        [folder],
        item => {
          busyWait(3)
          order.push(item)
        },
        slicer
      )
    }
    expect(order.indexOf('callback')).toBeGreaterThan(0)
    expect(order.indexOf('callback')).toBeLessThan(order.length - 1)
  })
})
