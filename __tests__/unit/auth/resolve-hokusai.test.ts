import { describe, expect, it, jest } from '@jest/globals'

import { describeCredential } from '../../../src/auth/provider.js'
import { resolveAuth } from '../../../src/auth/resolve-auth.js'
import type { AuthSettings } from '../../../src/config/config.js'
import type { InputName } from '../../../src/config/inputs.js'
import { parseConfig } from '../../../src/config/parse-config.js'
import type { MaskSecret } from '../../../src/config/secrets.js'
import { settingsFrom } from '../fixtures/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const ORIGINS = new Map<InputName, string>([['token', 'MLFLOW_TRACKING_TOKEN']])

function settings(overrides: Partial<AuthSettings>): AuthSettings {
  return { mode: 'auto', tokenHeader: 'Authorization', ...overrides }
}

function resolve(auth: AuthSettings) {
  return resolveAuth(auth, ORIGINS, jest.fn<MaskSecret>())
}

async function headersOf(auth: AuthSettings): Promise<Record<string, string>> {
  const headers: Record<string, string> = {}
  await resolve(auth).provider.authorize(headers, {
    method: 'GET',
    url: new URL('https://registry.hokus.ai/mlflow/api/2.0/mlflow/x'),
    body: undefined
  })
  return headers
}

describe('resolveAuth for Hokusai keys', () => {
  it('auto picks hokusai for an hk_ token', () => {
    const resolution = resolve(settings({ token: 'hk_live_abc' }))
    expect(resolution.provider.mode).toBe('hokusai')
    expect(resolution.reason).toBe(
      'auth-mode auto chose hokusai: the token from MLFLOW_TRACKING_TOKEN ' +
        'is a Hokusai API key (hk_...)'
    )
  })

  it('auto keeps bearer for other tokens', () => {
    expect(resolve(settings({ token: 'dapi123' })).provider.mode).toBe('bearer')
  })

  it('auto picks hokusai for HOKUSAI_API_KEY', () => {
    const resolution = resolve(settings({ hokusaiKey: 'hk_test_abc' }))
    expect(resolution.provider.mode).toBe('hokusai')
    expect(resolution.reason).toContain('from HOKUSAI_API_KEY')
  })

  it('prefers Basic credentials, as MLflow does', () => {
    const auth = settings({ username: 'u', password: 'p', token: 'hk_x' })
    expect(resolve(auth).provider.mode).toBe('basic')
  })

  it('sends the key as a Bearer token', async () => {
    const headers = await headersOf(settings({ token: 'hk_live_abc' }))
    expect(headers).toEqual({ authorization: 'Bearer hk_live_abc' })
  })

  it('sends the key in X-API-Key when asked', async () => {
    const auth = settings({ token: 'hk_live_abc', tokenHeader: 'X-API-Key' })
    expect(await headersOf(auth)).toEqual({ 'x-api-key': 'hk_live_abc' })
  })

  it('prefers the token to HOKUSAI_API_KEY', async () => {
    const auth = settings({ token: 'hk_a', hokusaiKey: 'hk_b' })
    expect(await headersOf(auth)).toEqual({ authorization: 'Bearer hk_a' })
  })

  it('describes the credential', () => {
    const { provider } = resolve(settings({ token: 'hk_live_abc' }))
    expect(describeCredential(provider.credential)).toBe(
      'a Hokusai API key in the Authorization header'
    )
  })

  it('reports HOKUSAI_API_KEY behind a token', () => {
    const auth = settings({ token: 'hk_a', hokusaiKey: 'hk_b' })
    expect(resolve(auth).ignored).toEqual([
      'HOKUSAI_API_KEY: the token input takes precedence'
    ])
  })

  it('reports HOKUSAI_API_KEY behind Basic', () => {
    const auth = settings({ username: 'u', password: 'p', hokusaiKey: 'hk' })
    expect(resolve(auth).ignored).toEqual([
      'HOKUSAI_API_KEY: auth-mode is basic'
    ])
  })

  it('reports nothing when the key is used', () => {
    expect(resolve(settings({ hokusaiKey: 'hk_b' })).ignored).toEqual([])
  })

  it('rejects hokusai mode without a key', () => {
    const { diagnosis } = diagnosedErrorOf(() =>
      resolve(settings({ mode: 'hokusai' }))
    )
    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.fix).toContain('HOKUSAI_API_KEY')
  })
})

describe('parseConfig reading HOKUSAI_API_KEY', () => {
  const env = { HOKUSAI_API_KEY: 'hk_test_env' }

  function parse(uri: string, mode?: string) {
    const inputs = {
      'tracking-uri': uri,
      'model-name': 'm',
      source: 'runs:/abc/model',
      ...(mode ? { 'auth-mode': mode } : {})
    }
    return parseConfig(settingsFrom(inputs), '/tmp', env).auth
  }

  it('reads it for a hokus.ai tracking URI', () => {
    expect(parse('https://registry.hokus.ai/mlflow').hokusaiKey).toBe(
      'hk_test_env'
    )
  })

  it('ignores it for another host in auto mode', () => {
    expect(parse('https://mlflow.example.com').hokusaiKey).toBeUndefined()
  })

  it('reads it for any host in hokusai mode', () => {
    expect(parse('https://mlflow.example.com', 'hokusai').hokusaiKey).toBe(
      'hk_test_env'
    )
  })

  it('ignores a look-alike host', () => {
    expect(parse('https://nothokus.ai').hokusaiKey).toBeUndefined()
  })

  it('reports the key ignored for another host', () => {
    const auth = parse('https://mlflow.example.com')
    expect(resolveAuth(auth, ORIGINS, jest.fn<MaskSecret>()).ignored).toEqual([
      "HOKUSAI_API_KEY: the tracking URI's host mlflow.example.com is " +
        'not hokus.ai, and the key is sent only there unless auth-mode ' +
        'is hokusai'
    ])
  })

  it('reports the key ignored in another mode', () => {
    const auth = parse('https://registry.hokus.ai/mlflow', 'none')
    expect(resolveAuth(auth, ORIGINS, jest.fn<MaskSecret>()).ignored).toEqual([
      'HOKUSAI_API_KEY: auth-mode is none'
    ])
  })
})
