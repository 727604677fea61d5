import { describe, expect, it } from '@jest/globals'

import {
  refreshTime,
  TokenCache,
  type IssuedToken
} from '../../../src/auth/token-cache.js'

/** Creates a token endpoint stand-in that issues numbered tokens. */
function tokenSource(expiresInMs: number | undefined) {
  const issued: string[] = []
  const request = (): Promise<IssuedToken> => {
    const accessToken = `token-${issued.length + 1}`
    issued.push(accessToken)
    return Promise.resolve(
      expiresInMs === undefined ? { accessToken } : { accessToken, expiresInMs }
    )
  }
  return { issued, request }
}

function cacheWith(expiresInMs: number | undefined) {
  const clock = { now: 1_000_000 }
  const source = tokenSource(expiresInMs)
  const cache = new TokenCache({
    request: source.request,
    now: () => clock.now,
    marginMs: 30_000
  })
  return { cache, clock, issued: source.issued }
}

describe('TokenCache', () => {
  it('reuses a token until the margin before expiry', async () => {
    const { cache, clock, issued } = cacheWith(300_000)
    await cache.get()
    clock.now += 269_999

    expect(await cache.get()).toBe('token-1')
    expect(issued).toEqual(['token-1'])
  })

  it('requests a new token 30 s before expiry', async () => {
    const { cache, clock } = cacheWith(300_000)
    await cache.get()
    clock.now += 270_000

    expect(await cache.get()).toBe('token-2')
  })

  it('replaces a short-lived token halfway through', async () => {
    const { cache, clock } = cacheWith(5_000)
    await cache.get()
    clock.now += 2_499
    const early = await cache.get()
    clock.now += 1

    expect(early).toBe('token-1')
    expect(await cache.get()).toBe('token-2')
  })

  it('keeps a token without expiry until it is rejected', async () => {
    const { cache, clock } = cacheWith(undefined)
    await cache.get()
    clock.now += 365 * 24 * 3600 * 1000

    expect(await cache.get()).toBe('token-1')
    await cache.refresh('token-1')
    expect(await cache.get()).toBe('token-2')
  })

  it('shares one request among concurrent callers', async () => {
    const { cache, issued } = cacheWith(300_000)
    const tokens = await Promise.all([cache.get(), cache.get(), cache.get()])

    expect(tokens).toEqual(['token-1', 'token-1', 'token-1'])
    expect(issued).toHaveLength(1)
  })

  it('refreshes a rejected token once', async () => {
    const { cache, issued } = cacheWith(300_000)
    await cache.get()
    await Promise.all([cache.refresh('token-1'), cache.refresh('token-1')])

    expect(issued).toEqual(['token-1', 'token-2'])
    expect(await cache.get()).toBe('token-2')
  })

  it('ignores a rejection of an older token', async () => {
    const { cache, issued } = cacheWith(300_000)
    await cache.get()
    await cache.refresh('token-1')
    await cache.refresh('token-1')

    expect(issued).toEqual(['token-1', 'token-2'])
  })

  it('requests again after a failed request', async () => {
    let calls = 0
    const cache = new TokenCache({
      request: () => {
        calls++
        return calls === 1
          ? Promise.reject(new Error('invalid_client'))
          : Promise.resolve({ accessToken: 'token-2', expiresInMs: 60_000 })
      },
      now: () => 0,
      marginMs: 30_000
    })

    await expect(cache.get()).rejects.toThrow('invalid_client')
    expect(await cache.get()).toBe('token-2')
  })
})

describe('refreshTime', () => {
  it.each([
    ['an hour-long token', 3_600_000, 3_570_000],
    ['a one-minute token', 60_000, 30_000],
    ['a 40 s token', 40_000, 20_000],
    ['a 5 s token', 5_000, 2_500]
  ])('schedules %s', (_, lifetime, expected) => {
    expect(refreshTime(0, lifetime, { marginMs: 30_000 })).toBe(expected)
  })

  it('never schedules a token of unknown lifetime', () => {
    expect(refreshTime(0, undefined, { marginMs: 30_000 })).toBe(Infinity)
  })
})
