import { describe, expect, it } from '@jest/globals'

import {
  extraHeaderValues,
  parseExtraHeaders
} from '../../../src/config/extra-headers.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const SECRET = 'cf-secret-value'

function parse(value: string, tokenHeader = 'Authorization') {
  return parseExtraHeaders({ value, origin: 'input' }, tokenHeader)
}

describe('parseExtraHeaders with valid lines', () => {
  it.each([
    [
      'two service-token headers',
      `CF-Access-Client-Id: abc.access\nCF-Access-Client-Secret: ${SECRET}`,
      [
        { name: 'CF-Access-Client-Id', value: 'abc.access' },
        { name: 'CF-Access-Client-Secret', value: SECRET }
      ]
    ],
    [
      'blank lines and CRLF',
      '\r\nX-Team: risk\r\n\r\n',
      [{ name: 'X-Team', value: 'risk' }]
    ],
    [
      'a value with colons',
      'X-Upstream: https://a.test:8443',
      [{ name: 'X-Upstream', value: 'https://a.test:8443' }]
    ],
    [
      'spaces around name and value',
      '  X-Env :  prod  ',
      [{ name: 'X-Env', value: 'prod' }]
    ],
    [
      'a cookie for an access proxy',
      'Cookie: CF_Authorization=jwt',
      [{ name: 'Cookie', value: 'CF_Authorization=jwt' }]
    ]
  ])('%s', (_, value, expected) => {
    expect(parse(value)).toEqual(expected)
  })

  it('no setting is no headers', () => {
    expect(parseExtraHeaders(undefined, 'Authorization')).toEqual([])
  })
})

describe('parseExtraHeaders with invalid lines', () => {
  it.each([
    ['a line without a colon', `X-Token ${SECRET}`, /line 1 has no ":"/],
    ['an invalid name', `X Token: ${SECRET}`, /header name "X Token"/],
    ['an empty value', 'X-Token:', /gives header X-Token an empty value/],
    [
      'a control character',
      `X-Token: ${SECRET}\u0000`,
      /gives header X-Token a value with control characters/
    ],
    ['Host', 'Host: other.test', /header Host is set by the action itself/],
    [
      'Authorization',
      `authorization: Bearer ${SECRET}`,
      /header authorization is set by the action itself/
    ],
    [
      'Proxy-Authorization',
      `Proxy-Authorization: Basic ${SECRET}`,
      /header Proxy-Authorization is set by the action itself/
    ],
    [
      'a header given twice',
      `X-Token: a\nx-token: ${SECRET}`,
      /header x-token is given twice/
    ]
  ])('%s is CLIENT_CONFIG', (_, value, detail) => {
    const { diagnosis } = diagnosedErrorOf(() => parse(value))
    expect(diagnosis.title).toBe('Invalid input `extra-headers`')
    expect(diagnosis.detail).toMatch(detail)
    expect(JSON.stringify(diagnosis)).not.toContain(SECRET)
  })

  it('rejects the header that carries the token', () => {
    const { diagnosis } = diagnosedErrorOf(() =>
      parse(`X-API-Key: ${SECRET}`, 'x-api-key')
    )
    expect(diagnosis.fix).toContain('`token-header`')
  })

  it('names the line that is wrong', () => {
    const { diagnosis } = diagnosedErrorOf(() => parse('X-A: 1\n\nbroken'))
    expect(diagnosis.detail).toContain('line 3')
  })
})

describe('extraHeaderValues', () => {
  it('reads values of valid and invalid lines for masking', () => {
    expect(
      extraHeaderValues(`X-A: one\nno colon here\nX-B:\n X-C :two:2`)
    ).toEqual(['one', 'no colon here', 'two:2'])
  })
})
