import { describe, expect, it, jest } from '@jest/globals'
import * as oauth from 'oauth4webapi'

import { OAuthClientCredentials } from '../../../src/auth/oauth-client-credentials.js'
import { resolveAuth } from '../../../src/auth/resolve-auth.js'
import type { AuthSettings } from '../../../src/config/config.js'
import type { InputName } from '../../../src/config/inputs.js'
import type { OAuthSettings } from '../../../src/config/oauth-settings.js'
import type { MaskSecret } from '../../../src/config/secrets.js'
import { recordingLogger } from '../fixtures/logger.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const SECRET = 'client secret/for tests'
const CLIENT: OAuthSettings = {
  tokenEndpoint: new URL('https://idp.example.test/oauth/token'),
  clientId: 'ci-bot',
  clientSecret: SECRET,
  clientAuth: 'basic'
}

const ORIGINS = new Map<InputName, string>([
  ['client-id', 'input `client-id`'],
  ['client-secret', 'input `client-secret`'],
  ['token', 'MLFLOW_TRACKING_TOKEN']
])

function settings(
  mode: AuthSettings['mode'],
  extra: Partial<AuthSettings> = {}
): AuthSettings {
  return { mode, tokenHeader: 'Authorization', ...extra }
}

function resolve(auth: AuthSettings, mask = jest.fn<MaskSecret>()) {
  return resolveAuth(auth, ORIGINS, mask)
}

describe('resolveAuth with OAuth client credentials', () => {
  it('picks oauth-client-credentials in auto mode', () => {
    const resolution = resolve(settings('auto', { oauth: CLIENT }))

    expect(resolution.provider.mode).toBe('oauth-client-credentials')
    expect(resolution.reason).toBe(
      'auth-mode auto chose oauth-client-credentials: client ID from ' +
        'input `client-id`, client secret from input `client-secret`'
    )
  })

  it('prefers a token and lists the client ignored', () => {
    const resolution = resolve(
      settings('auto', { oauth: CLIENT, token: 'tok-secret' })
    )

    expect(resolution.provider.mode).toBe('bearer')
    expect(resolution.ignored).toEqual([
      'client-id (from input `client-id`): auth-mode is bearer',
      'client-secret (from input `client-secret`): auth-mode is bearer'
    ])
  })

  it.each([
    ['a client ID alone', { clientId: 'ci-bot' }, 'client-secret'],
    ['a client secret alone', { clientSecret: SECRET }, 'client-id']
  ])('rejects %s in auto mode', (_, half, missing) => {
    const oauth: OAuthSettings = { clientAuth: 'basic', ...half }
    const error = diagnosedErrorOf(() => resolve(settings('auto', { oauth })))

    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.diagnosis.title).toBe(`Invalid input \`${missing}\``)
    expect(error.message).toContain('client credentials are incomplete')
    expect(JSON.stringify(error.diagnosis)).not.toContain(SECRET)
  })

  it('rejects the explicit mode without a token endpoint', () => {
    const oauth: OAuthSettings = { ...CLIENT }
    delete (oauth as { tokenEndpoint?: URL }).tokenEndpoint
    const error = diagnosedErrorOf(() =>
      resolve(settings('oauth-client-credentials', { oauth }))
    )

    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain('neither `token-endpoint` nor')
  })

  it('rejects the explicit mode without a client secret', () => {
    const oauth: OAuthSettings = { clientAuth: 'post', clientId: 'ci-bot' }
    const error = diagnosedErrorOf(() =>
      resolve(settings('oauth-client-credentials', { oauth }))
    )

    expect(error.diagnosis.title).toBe('Invalid input `client-secret`')
  })

  it('masks the secret and its client_secret_basic form', async () => {
    const mask = jest.fn<MaskSecret>()
    resolve(settings('oauth-client-credentials', { oauth: CLIENT }), mask)
    // The header exactly as oauth4webapi builds it for the token request.
    const headers = new Headers()
    await oauth.ClientSecretBasic(SECRET)(
      { issuer: 'https://idp.example.test' },
      { client_id: 'ci-bot' },
      new URLSearchParams(),
      headers
    )
    const basic = (headers.get('authorization') ?? '').replace(/^Basic /, '')

    expect(mask).toHaveBeenCalledWith(SECRET)
    expect(mask).toHaveBeenCalledWith(encodeURIComponent(SECRET))
    expect(mask).toHaveBeenCalledWith(basic)
  })

  it('describes the credential by client and provider', () => {
    const { provider } = resolve(
      settings('oauth-client-credentials', { oauth: CLIENT })
    )
    expect(provider.credential).toEqual({
      kind: 'oauth',
      clientId: 'ci-bot',
      provider: 'idp.example.test'
    })
  })
})

describe('OAuthClientCredentials', () => {
  function create(mask: MaskSecret) {
    const issued: string[] = []
    const log = recordingLogger()
    const provider = new OAuthClientCredentials(
      {
        endpoint: { tokenEndpoint: new URL('https://idp.example.test/t') },
        clientId: 'ci-bot',
        clientSecret: SECRET,
        clientAuth: 'basic'
      },
      {
        mask,
        log,
        timeoutMs: 1000,
        now: () => 0,
        request: () => {
          const accessToken = `access-token-${issued.length + 1}`
          issued.push(accessToken)
          return Promise.resolve({ accessToken, expiresInMs: 300_000 })
        }
      }
    )
    return { provider, issued, log }
  }

  it('sends the token as a Bearer header', async () => {
    const { provider } = create(() => undefined)
    const headers: Record<string, string> = {}
    await provider.authorize(headers)

    expect(headers.authorization).toBe('Bearer access-token-1')
  })

  it('masks every form of the token before use', async () => {
    const masked: string[] = []
    const { provider } = create(value => masked.push(value))
    await provider.authorize({})
    const token = 'access-token-1'

    expect(masked).toContain(token)
    expect(masked).toContain(Buffer.from(token).toString('base64'))
  })

  it('logs the provider and lifetime but not the token', async () => {
    const { provider, log } = create(() => undefined)
    await provider.authorize({})

    expect(log.lines).toEqual([
      'info: Obtained an OAuth access token from idp.example.test for ' +
        "client 'ci-bot' (valid for 300 s)"
    ])
  })

  it('refreshes the token of a rejected header', async () => {
    const { provider, issued } = create(() => undefined)
    const headers: Record<string, string> = {}
    await provider.authorize(headers)
    await provider.refresh(headers.authorization)
    await provider.authorize(headers)

    expect(issued).toHaveLength(2)
    expect(headers.authorization).toBe('Bearer access-token-2')
  })
})
