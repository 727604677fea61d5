import { describe, expect, it, jest } from '@jest/globals'

import {
  maskSecretSettings,
  secretForms,
  type MaskSecret
} from '../../../src/config/secrets.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'

const base64 = (text: string): string => Buffer.from(text).toString('base64')

function maskedBy(inputs: InputValues, env: NodeJS.ProcessEnv = {}): string[] {
  const mask = jest.fn<MaskSecret>()
  maskSecretSettings(settingsFrom(inputs, env), mask)
  return mask.mock.calls.map(([value]) => value)
}

describe('secretForms', () => {
  it('lists the raw, percent-encoded and base64 forms', () => {
    expect(secretForms('p@ss w')).toEqual([
      'p@ss w',
      'p%40ss%20w',
      base64('p@ss w')
    ])
  })

  it('lists a form once when encoding does not change it', () => {
    expect(secretForms('token')).toEqual(['token', base64('token')])
  })

  it('lists nothing for an empty secret', () => {
    expect(secretForms('')).toEqual([])
  })

  it('lists only forms of four characters or more', () => {
    expect(secretForms('1')).toEqual([])
    expect(secretForms('abc')).toEqual([])
  })

  it('lists each line of a PEM key but its armor', () => {
    const pem =
      '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMG\r\nByqGSM49AgEG\n' +
      '-----END PRIVATE KEY-----\n'
    const forms = secretForms(pem)
    expect(forms).toContain('MIGHAgEAMBMG')
    expect(forms).toContain('ByqGSM49AgEG')
    expect(forms).not.toContain('-----BEGIN PRIVATE KEY-----')
  })
})

describe('maskSecretSettings', () => {
  it('masks every form of the password', () => {
    const masked = maskedBy({ password: 'p@ss w' })
    expect(masked).toContain('p@ss w')
    expect(masked).toContain('p%40ss%20w')
    expect(masked).toContain(base64('p@ss w'))
  })

  it('masks every form of the token', () => {
    const masked = maskedBy({ token: 'tok/en+1' })
    expect(masked).toContain('tok/en+1')
    expect(masked).toContain('tok%2Fen%2B1')
    expect(masked).toContain(base64('tok/en+1'))
  })

  it('masks a token read from its variable', () => {
    expect(maskedBy({}, { MLFLOW_TRACKING_TOKEN: 'env-token' })).toContain(
      'env-token'
    )
  })

  it('masks a password read from its variable', () => {
    const env = { MLFLOW_TRACKING_PASSWORD: 'env-pass' }
    expect(maskedBy({}, env)).toContain('env-pass')
  })

  it('does not mask the username', () => {
    expect(maskedBy({ username: 'ci-bot' })).toEqual([])
  })

  it('masks nothing when no secret is set', () => {
    expect(maskedBy({ 'tracking-uri': 'https://mlflow.test' })).toEqual([])
  })

  it.each([
    ['https://ci:s3cret@mlflow.test', 's3cret'],
    ['HTTPS://ci:s3cret@mlflow.test/path', 's3cret'],
    ['https://ci:a:bc@mlflow.test', 'a:bc'],
    ['https://ci:p@ss@mlflow.test/m', 'p@ss']
  ])('masks the user info password of %s', (uri, password) => {
    expect(maskedBy({ 'tracking-uri': uri })).toContain(password)
  })

  it('masks the encoded and decoded user info password', () => {
    const masked = maskedBy({ 'tracking-uri': 'https://ci:p%40ss@h.test' })
    expect(masked).toContain('p%40ss')
    expect(masked).toContain('p@ss')
    expect(masked).toContain(base64('p@ss'))
  })

  it('masks a user info password from MLFLOW_TRACKING_URI', () => {
    const env = { MLFLOW_TRACKING_URI: 'https://ci:s3cret@mlflow.test' }
    expect(maskedBy({}, env)).toContain('s3cret')
  })

  it('keeps a malformed escape in the password as it is', () => {
    const masked = maskedBy({ 'tracking-uri': 'https://ci:p%zz@h.test' })
    expect(masked).toContain('p%zz')
  })

  it.each([
    'https://ci@mlflow.test',
    'https://mlflow.test/@scope',
    'https://mlflow.test/?user=a:b@c'
  ])('masks no password in %s', uri => {
    expect(maskedBy({ 'tracking-uri': uri })).toEqual([])
  })

  it('masks every value of extra-headers', () => {
    const masked = maskedBy({
      'extra-headers': 'CF-Access-Client-Id: id.access\nbroken line\nX-B: s/22'
    })
    expect(masked).toEqual(
      expect.arrayContaining(['id.access', 'broken line', 's/22', 's%2F22'])
    )
  })

  it.each(['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy'])(
    'masks the password in %s',
    name => {
      const mask = jest.fn<MaskSecret>()
      const env = { [name]: 'http://ci:pr0xy%21@proxy.test:3128' }
      maskSecretSettings(settingsFrom({}, env), mask, env)
      const masked = mask.mock.calls.map(([value]) => value)
      expect(masked).toContain('pr0xy%21')
      expect(masked).toContain('pr0xy!')
    }
  )

  it('masks the password of a proxy URL without a scheme', () => {
    const mask = jest.fn<MaskSecret>()
    const env = { HTTPS_PROXY: 'ci:s3cret@proxy.test:3128' }
    maskSecretSettings(settingsFrom({}, env), mask, env)
    expect(mask.mock.calls.map(([value]) => value)).toContain('s3cret')
  })
})
