import { describe, expect, it, jest } from '@jest/globals'

import { BasicAuth } from '../../../src/auth/basic.js'
import type { MaskSecret } from '../../../src/config/secrets.js'

const ENCODED = Buffer.from('ci-bot:p@ss').toString('base64')

describe('BasicAuth', () => {
  it('masks the encoded credentials when created', () => {
    const mask = jest.fn<MaskSecret>()
    new BasicAuth('ci-bot', 'p@ss', mask)
    expect(mask).toHaveBeenCalledWith(ENCODED)
  })

  it('masks before the first request is authorized', async () => {
    const events: string[] = []
    const auth = new BasicAuth('ci-bot', 'p@ss', value => {
      events.push(`mask ${value}`)
    })
    const headers: Record<string, string> = {}
    await auth.authorize(headers)
    events.push(`send ${headers.authorization ?? ''}`)
    expect(events.indexOf(`mask ${ENCODED}`)).toBeGreaterThanOrEqual(0)
    expect(events.indexOf(`mask ${ENCODED}`)).toBeLessThan(
      events.indexOf(`send Basic ${ENCODED}`)
    )
  })

  it('sets the Authorization header', async () => {
    const headers: Record<string, string> = {}
    await new BasicAuth('ci-bot', 'p@ss', jest.fn()).authorize(headers)
    expect(headers).toEqual({ authorization: `Basic ${ENCODED}` })
  })

  it('describes its credential by user, without the password', () => {
    const auth = new BasicAuth('ci-bot', 'p@ss', jest.fn())
    expect(auth.credential).toEqual({ kind: 'basic', username: 'ci-bot' })
    expect(auth.mode).toBe('basic')
  })

  it('encodes non-ASCII credentials as UTF-8', async () => {
    const headers: Record<string, string> = {}
    await new BasicAuth('jörg', 'pässword', jest.fn()).authorize(headers)
    const encoded = (headers.authorization ?? '').replace(/^Basic /, '')
    expect(Buffer.from(encoded, 'base64').toString('utf8')).toBe(
      'jörg:pässword'
    )
  })
})
