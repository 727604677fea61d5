import { describe, expect, it } from '@jest/globals'

import { BearerAuth } from '../../../src/auth/bearer.js'
import { describeCredential } from '../../../src/auth/provider.js'

async function headersOf(auth: BearerAuth): Promise<Record<string, string>> {
  const headers: Record<string, string> = {}
  await auth.authorize(headers)
  return headers
}

describe('BearerAuth in Authorization', () => {
  it.each(['Authorization', 'authorization', 'AUTHORIZATION'])(
    'sends a Bearer token for header name %s',
    async name => {
      const headers = await headersOf(new BearerAuth('tok', name))
      expect(headers).toEqual({ authorization: 'Bearer tok' })
    }
  )

  it('describes a Bearer token', () => {
    const auth = new BearerAuth('tok', 'Authorization')
    expect(auth.credential).toEqual({
      kind: 'token',
      header: 'Authorization',
      scheme: 'Bearer'
    })
    expect(describeCredential(auth.credential)).toBe(
      'a Bearer token in Authorization'
    )
  })
})

describe('BearerAuth in another header', () => {
  it('sends the bare token in X-API-Key', async () => {
    const headers = await headersOf(new BearerAuth('tok', 'X-API-Key'))
    expect(headers).toEqual({ 'x-api-key': 'tok' })
  })

  it('describes the header without a scheme', () => {
    const auth = new BearerAuth('tok', 'X-API-Key')
    expect(auth.credential).toEqual({ kind: 'token', header: 'X-API-Key' })
    expect(describeCredential(auth.credential)).toBe(
      'a token in the X-API-Key header'
    )
  })
})

describe('describeCredential', () => {
  it.each([
    [{ kind: 'none' } as const, 'no credentials'],
    [
      { kind: 'basic', username: 'ci-bot' } as const,
      "Basic credentials for user 'ci-bot'"
    ]
  ])('describes %j', (credential, expected) => {
    expect(describeCredential(credential)).toBe(expected)
  })
})
