import { describe, expect, it } from '@jest/globals'

import { parseOAuthSettings } from '../../../src/config/oauth-settings.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

function parse(inputs: InputValues) {
  const settings = settingsFrom(inputs)
  return parseOAuthSettings(name => settings.get(name))
}

const CLIENT: InputValues = {
  'client-id': 'ci-bot',
  'client-secret': 'client-secret-for-tests'
}

describe('parseOAuthSettings with valid inputs', () => {
  it('returns nothing when no OAuth input is set', () => {
    expect(parse({})).toEqual({})
  })

  it.each([
    ['an https token endpoint', 'https://idp.example.com/oauth/token'],
    ['a loopback http endpoint', 'http://127.0.0.1:8080/token'],
    ['localhost over http', 'http://localhost:8080/token'],
    ['IPv6 loopback over http', 'http://[::1]:8080/token']
  ])('accepts %s', (_, url) => {
    const { oauth } = parse({ ...CLIENT, 'token-endpoint': url })
    expect(oauth?.tokenEndpoint?.href).toBe(new URL(url).href)
  })

  it('reads the issuer for discovery', () => {
    const { oauth } = parse({ 'oauth-issuer': 'https://idp.example.com' })
    expect(oauth?.issuer?.href).toBe('https://idp.example.com/')
  })

  it('joins scopes with single spaces', () => {
    const { oauth } = parse({ scope: '  mlflow.read\n mlflow.write ' })
    expect(oauth?.scope).toBe('mlflow.read mlflow.write')
  })

  it('defaults client authentication to basic', () => {
    expect(parse(CLIENT).oauth?.clientAuth).toBe('basic')
  })

  it('reads client authentication post', () => {
    const { oauth } = parse({ ...CLIENT, 'client-auth': 'post' })
    expect(oauth?.clientAuth).toBe('post')
  })

  it('keeps the client credentials, audience and resource', () => {
    const { oauth } = parse({
      ...CLIENT,
      audience: 'https://mlflow.example.com/api',
      resource: 'https://mlflow.example.com'
    })
    expect(oauth).toMatchObject({
      clientId: 'ci-bot',
      clientSecret: 'client-secret-for-tests',
      audience: 'https://mlflow.example.com/api',
      resource: 'https://mlflow.example.com'
    })
  })
})

describe('parseOAuthSettings with invalid inputs', () => {
  it.each([
    [
      'a relative token endpoint',
      { 'token-endpoint': '/oauth/token' },
      'input `token-endpoint`',
      'is not an absolute http or https URL'
    ],
    [
      'another scheme',
      { 'token-endpoint': 'ftp://idp.example.com/token' },
      'input `token-endpoint`',
      'is not an absolute http or https URL'
    ],
    [
      'plain http to another host',
      { 'token-endpoint': 'http://idp.example.com/token' },
      'input `token-endpoint`',
      'does not use https'
    ],
    [
      'user info in the issuer',
      { 'oauth-issuer': 'https://ci:pw@idp.example.com' },
      'input `oauth-issuer`',
      'user info or a fragment'
    ],
    [
      'both an endpoint and an issuer',
      {
        'token-endpoint': 'https://idp.example.com/token',
        'oauth-issuer': 'https://idp.example.com'
      },
      'input `token-endpoint`',
      'ambiguous'
    ],
    [
      'a scope with a double quote',
      { scope: 'mlflow "write"' },
      'input `scope`',
      'is not a valid scope'
    ],
    [
      'a relative resource',
      { resource: 'mlflow-api' },
      'input `resource`',
      'not an absolute URI'
    ],
    [
      'a resource with a fragment',
      { resource: 'https://mlflow.example.com/#api' },
      'input `resource`',
      'without a fragment'
    ],
    [
      'an unknown client authentication',
      { 'client-auth': 'private_key_jwt' },
      'input `client-auth`',
      'expected basic or post'
    ]
  ])('rejects %s', (_, inputs, label, problem) => {
    const { diagnosis } = diagnosedErrorOf(() => parse(inputs))

    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.title).toBe(`Invalid ${label}`)
    expect(diagnosis.detail).toContain(problem)
  })

  it('redacts a password in the endpoint URL', () => {
    const { diagnosis } = diagnosedErrorOf(() =>
      parse({ 'token-endpoint': 'http://ci:url-password@idp.example.com/t' })
    )
    expect(diagnosis.detail).toContain('http://***@idp.example.com/t')
    expect(diagnosis.detail).not.toContain('url-password')
  })

  it('never shows the client secret in an error', () => {
    const { diagnosis } = diagnosedErrorOf(() =>
      parse({ ...CLIENT, 'token-endpoint': 'http://idp.example.com/t' })
    )
    expect(JSON.stringify(diagnosis)).not.toContain('client-secret-for-tests')
  })
})
