import { describe, expect, it, jest } from '@jest/globals'

import { resolveAuth } from '../../../src/auth/resolve-auth.js'
import type { AuthSettings } from '../../../src/config/config.js'
import type { InputName } from '../../../src/config/inputs.js'
import type { MaskSecret } from '../../../src/config/secrets.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const USER = { username: 'ci-bot' }
const PASSWORD = { password: 'pw-secret' }
const TOKEN = { token: 'tok-secret' }

const ORIGINS = new Map<InputName, string>([
  ['auth-mode', 'input `auth-mode`'],
  ['username', 'input `username`'],
  ['password', 'MLFLOW_TRACKING_PASSWORD'],
  ['token', 'MLFLOW_TRACKING_TOKEN']
])

function settings(
  mode: AuthSettings['mode'],
  credentials: Partial<AuthSettings> = {}
): AuthSettings {
  return { mode, tokenHeader: 'Authorization', ...credentials }
}

function resolve(auth: AuthSettings) {
  return resolveAuth(auth, ORIGINS, jest.fn<MaskSecret>())
}

describe('resolveAuth in auto mode', () => {
  it.each([
    ['username and password', { ...USER, ...PASSWORD }, 'basic'],
    ['all three', { ...USER, ...PASSWORD, ...TOKEN }, 'basic'],
    ['a token alone', TOKEN, 'bearer'],
    ['a username and a token', { ...USER, ...TOKEN }, 'bearer'],
    ['a password and a token', { ...PASSWORD, ...TOKEN }, 'bearer'],
    ['nothing', {}, 'none']
  ])('picks for %s the %s mode', (_, credentials, mode) => {
    expect(resolve(settings('auto', credentials)).provider.mode).toBe(mode)
  })

  it('explains a basic choice with the origins', () => {
    const { reason } = resolve(settings('auto', { ...USER, ...PASSWORD }))
    expect(reason).toBe(
      'auth-mode auto chose basic: username from input `username`, ' +
        'password from MLFLOW_TRACKING_PASSWORD'
    )
  })

  it('explains a bearer choice with the origin', () => {
    const { reason } = resolve(settings('auto', TOKEN))
    expect(reason).toBe(
      'auth-mode auto chose bearer: token from MLFLOW_TRACKING_TOKEN'
    )
  })

  it('explains a none choice', () => {
    expect(resolve(settings('auto')).reason).toBe(
      'auth-mode auto chose none: no credentials are set'
    )
  })

  it('lists a token ignored for Basic credentials', () => {
    const resolution = resolve(
      settings('auto', { ...USER, ...PASSWORD, ...TOKEN })
    )
    expect(resolution.ignored).toEqual([
      'token (from MLFLOW_TRACKING_TOKEN): Basic credentials take ' +
        'precedence, as in the MLflow client'
    ])
  })

  it('lists a lone username ignored for a token', () => {
    const resolution = resolve(settings('auto', { ...USER, ...TOKEN }))
    expect(resolution.ignored).toEqual([
      'username (from input `username`): auth-mode is bearer'
    ])
  })

  it('ignores nothing when every setting is used', () => {
    const resolution = resolve(settings('auto', { ...USER, ...PASSWORD }))
    expect(resolution.ignored).toEqual([])
  })

  it.each([
    ['a username', USER, 'password'],
    ['a password', PASSWORD, 'username']
  ])('rejects %s without its partner', (_, credentials, missing) => {
    const error = diagnosedErrorOf(() => resolve(settings('auto', credentials)))
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain(`input \`${missing}\``)
    expect(error.message).toMatch(/Basic credentials are incomplete/)
    expect(error.diagnosis.fix).toContain(
      `MLFLOW_TRACKING_${missing.toUpperCase()}`
    )
  })

  it('never shows the password of incomplete credentials', () => {
    const error = diagnosedErrorOf(() => resolve(settings('auto', PASSWORD)))
    expect(JSON.stringify(error.diagnosis)).not.toContain(PASSWORD.password)
  })
})

describe('resolveAuth in an explicit mode', () => {
  it('uses basic and names the mode origin', () => {
    const resolution = resolve(settings('basic', { ...USER, ...PASSWORD }))
    expect(resolution.provider.mode).toBe('basic')
    expect(resolution.reason).toBe('auth-mode is basic (input `auth-mode`)')
  })

  it('uses bearer even with Basic credentials set', () => {
    const resolution = resolve(
      settings('bearer', { ...USER, ...PASSWORD, ...TOKEN })
    )
    expect(resolution.provider.mode).toBe('bearer')
    expect(resolution.ignored).toEqual([
      'username (from input `username`): auth-mode is bearer',
      'password (from MLFLOW_TRACKING_PASSWORD): auth-mode is bearer'
    ])
  })

  it('lists a token ignored by explicit basic mode', () => {
    const resolution = resolve(
      settings('basic', { ...USER, ...PASSWORD, ...TOKEN })
    )
    expect(resolution.ignored).toEqual([
      'token (from MLFLOW_TRACKING_TOKEN): auth-mode is basic'
    ])
  })

  it('sends nothing in none mode and lists every credential', () => {
    const resolution = resolve(
      settings('none', { ...USER, ...PASSWORD, ...TOKEN })
    )
    expect(resolution.provider.credential).toEqual({ kind: 'none' })
    expect(resolution.ignored).toHaveLength(3)
  })

  it('falls back to input in the reason without an origin', () => {
    const resolution = resolveAuth(
      settings('none'),
      new Map(),
      jest.fn<MaskSecret>()
    )
    expect(resolution.reason).toBe('auth-mode is none (input)')
  })

  it.each([
    ['basic', 'username', PASSWORD, /auth-mode is basic but no username/],
    ['basic', 'password', USER, /auth-mode is basic but no password/],
    ['basic', 'username', TOKEN, /auth-mode is basic but no username/],
    ['bearer', 'token', { ...USER, ...PASSWORD }, /bearer but no token/]
  ] as const)(
    'rejects %s mode without a %s',
    (mode, missing, credentials, problem) => {
      const error = diagnosedErrorOf(() => resolve(settings(mode, credentials)))
      expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
      expect(error.message).toContain(`input \`${missing}\``)
      expect(error.message).toMatch(problem)
    }
  )
})

describe('resolveAuth masking', () => {
  it('masks the Basic header of basic mode', () => {
    const mask = jest.fn<MaskSecret>()
    resolveAuth(settings('basic', { ...USER, ...PASSWORD }), ORIGINS, mask)
    const header = Buffer.from('ci-bot:pw-secret').toString('base64')
    expect(mask).toHaveBeenCalledWith(header)
  })
})
