import { describe, expect, it } from '@jest/globals'

import { applyDatabricksProfile } from '../../../src/config/databricks-profile.js'
import type { Settings } from '../../../src/config/settings.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const HOME = '/home/ci'
const FILE = `${HOME}/.databrickscfg`
const CFG = [
  '[DEFAULT]',
  'host = https://default.example.com',
  'token = dapi-default-token',
  '',
  '[ci]',
  'host = https://ci.example.com/',
  'token = dapi-ci-token',
  '',
  '[m2m]',
  'host = https://m2m.example.com',
  'client_id = sp-app-id',
  'client_secret = dose-m2m-secret',
  '',
  '[nohost]',
  'token = dapi-nohost-token',
  '',
  '[browser]',
  'host = https://browser.example.com',
  'auth_type = databricks-cli'
].join('\n')

interface Applied {
  readonly settings: Settings
  readonly masked: string[]
  readonly read: string[]
}

function apply(
  inputs: InputValues,
  env: NodeJS.ProcessEnv = {},
  files: Record<string, string> = { [FILE]: CFG }
): Applied {
  const masked: string[] = []
  const read: string[] = []
  const fullEnv = { HOME, ...env }
  const settings = applyDatabricksProfile(
    settingsFrom(inputs, fullEnv),
    fullEnv,
    value => masked.push(value),
    file => {
      read.push(file)
      const text = files[file]
      if (text === undefined) {
        throw Object.assign(new Error('missing'), { code: 'ENOENT' })
      }
      return text
    }
  )
  return { settings, masked, read }
}

function valueOf(applied: Applied, name: Parameters<Settings['get']>[0]) {
  return applied.settings.get(name)?.value
}

function errorOf(
  inputs: InputValues,
  env: NodeJS.ProcessEnv = {},
  files?: Record<string, string>
) {
  return diagnosedErrorOf(() => apply(inputs, env, files)).diagnosis
}

describe('applyDatabricksProfile', () => {
  describe('which profile', () => {
    it('reads the profile of the tracking URI', () => {
      const applied = apply({ 'tracking-uri': 'databricks://ci' })

      expect(valueOf(applied, 'databricks-host')).toBe(
        'https://ci.example.com/'
      )
      expect(valueOf(applied, 'databricks-token')).toBe('dapi-ci-token')
    })

    it('rejects a profile input no URI reads', () => {
      const diagnosis = errorOf({
        'tracking-uri': 'http://127.0.0.1:5000',
        'databricks-profile': 'ci'
      })

      expect(diagnosis.code).toBe('CLIENT_CONFIG')
      expect(diagnosis.detail).toContain("names profile 'ci'")
      expect(diagnosis.fix).toContain('remove `databricks-profile`')
    })

    it('ignores the profile variable without a URI', () => {
      const applied = apply(
        { 'tracking-uri': 'http://127.0.0.1:5000' },
        { DATABRICKS_CONFIG_PROFILE: 'ci' }
      )

      expect(valueOf(applied, 'databricks-token')).toBeUndefined()
      expect(applied.read).toEqual([])
    })

    it('reads the profile of the registry URI', () => {
      const applied = apply({
        'tracking-uri': 'databricks',
        'registry-uri': 'databricks-uc://ci'
      })

      expect(valueOf(applied, 'databricks-token')).toBe('dapi-ci-token')
    })

    it('takes DATABRICKS_CONFIG_PROFILE for a bare URI', () => {
      const applied = apply(
        { 'tracking-uri': 'databricks' },
        { DATABRICKS_CONFIG_PROFILE: 'm2m' }
      )

      expect(valueOf(applied, 'databricks-client-id')).toBe('sp-app-id')
    })

    it('prefers the URI profile to the variable', () => {
      const applied = apply(
        { 'tracking-uri': 'databricks://ci' },
        { DATABRICKS_CONFIG_PROFILE: 'm2m' }
      )

      expect(valueOf(applied, 'databricks-token')).toBe('dapi-ci-token')
      expect(valueOf(applied, 'databricks-client-id')).toBeUndefined()
    })

    it('reads DEFAULT when nothing is configured', () => {
      const applied = apply({ 'tracking-uri': 'databricks' })

      expect(valueOf(applied, 'databricks-token')).toBe('dapi-default-token')
    })

    it('reads DEFAULT for auth-mode databricks alone', () => {
      const applied = apply({ 'auth-mode': 'databricks' })

      expect(valueOf(applied, 'databricks-host')).toBe(
        'https://default.example.com'
      )
    })

    it('skips the file when the variables configure', () => {
      const applied = apply(
        { 'tracking-uri': 'databricks' },
        { DATABRICKS_HOST: 'https://env.example.com' }
      )

      expect(applied.read).toEqual([])
      expect(valueOf(applied, 'databricks-token')).toBeUndefined()
    })

    it('skips a tracking server that is not Databricks', () => {
      const applied = apply({ 'tracking-uri': 'https://mlflow.example.com' })

      expect(applied.read).toEqual([])
    })

    it('reads DATABRICKS_CONFIG_FILE with ~ expanded', () => {
      const applied = apply(
        { 'tracking-uri': 'databricks://ci' },
        { DATABRICKS_CONFIG_FILE: '~/cfg/profiles' },
        { [`${HOME}/cfg/profiles`]: CFG }
      )

      expect(applied.read).toEqual([`${HOME}/cfg/profiles`])
    })
  })

  describe('precedence', () => {
    it('lets a variable win over the profile', () => {
      const applied = apply(
        { 'tracking-uri': 'databricks://ci' },
        { DATABRICKS_TOKEN: 'dapi-env-token' }
      )

      expect(valueOf(applied, 'databricks-token')).toBe('dapi-env-token')
      expect(applied.settings.get('databricks-token')?.origin).toBe(
        'DATABRICKS_TOKEN'
      )
    })

    it('lets an input win over the variable', () => {
      const applied = apply(
        { 'tracking-uri': 'databricks://ci', 'databricks-token': 'dapi-in' },
        { DATABRICKS_TOKEN: 'dapi-env-token' }
      )

      expect(valueOf(applied, 'databricks-token')).toBe('dapi-in')
    })

    it('names the profile as the origin', () => {
      const applied = apply({ 'tracking-uri': 'databricks://ci' })

      expect(applied.settings.get('databricks-host')?.origin).toBe(
        `profile ci of ${FILE}`
      )
    })
  })

  describe('secrets', () => {
    it('masks the token of the profile', () => {
      const applied = apply({ 'tracking-uri': 'databricks://ci' })

      expect(applied.masked).toContain('dapi-ci-token')
    })

    it('masks the client secret of the profile', () => {
      const applied = apply({ 'tracking-uri': 'databricks://m2m' })

      expect(applied.masked).toContain('dose-m2m-secret')
    })
  })

  describe('errors', () => {
    it('missing file names file, profile and fix', () => {
      const diagnosis = errorOf({ 'tracking-uri': 'databricks://ci' }, {}, {})

      expect(diagnosis.code).toBe('CLIENT_CONFIG')
      expect(diagnosis.title).toBe('Invalid input `tracking-uri`')
      expect(diagnosis.detail).toContain(`profile ci is read from`)
      expect(diagnosis.detail).toContain(`${FILE}, which does not exist`)
      expect(diagnosis.fix).toContain('DATABRICKS_CONFIG_FILE')
    })

    it('missing named file names its input', () => {
      const diagnosis = errorOf(
        {
          'tracking-uri': 'databricks://ci',
          'databricks-config-file': '/nowhere/databrickscfg'
        },
        {},
        {}
      )

      expect(diagnosis.title).toBe('Invalid input `databricks-config-file`')
      expect(diagnosis.detail).toContain(
        '/nowhere/databrickscfg, which does not exist'
      )
    })

    it('missing DEFAULT file names the default', () => {
      const diagnosis = errorOf({ 'tracking-uri': 'databricks' }, {}, {})

      expect(diagnosis.detail).toContain('profile DEFAULT is read from')
      expect(diagnosis.fix).toContain('DATABRICKS_HOST')
    })

    it('missing profile lists the others', () => {
      const diagnosis = errorOf(
        { 'tracking-uri': 'databricks' },
        { DATABRICKS_CONFIG_PROFILE: 'prod' }
      )

      expect(diagnosis.title).toBe(
        'Invalid environment variable DATABRICKS_CONFIG_PROFILE ' +
          '(input `databricks-profile`)'
      )
      expect(diagnosis.detail).toContain(`${FILE} has no profile [prod]`)
      expect(diagnosis.detail).toContain('DEFAULT, ci, m2m, nohost, browser')
      expect(diagnosis.fix).toContain('Add a [prod] section')
    })

    it('profile without host names the key', () => {
      const diagnosis = errorOf({ 'tracking-uri': 'databricks://nohost' })

      expect(diagnosis.detail).toContain(`profile [nohost] in ${FILE}`)
      expect(diagnosis.detail).toContain('has no host')
      expect(diagnosis.fix).toContain('host = https://')
    })

    it('profile without credentials names auth_type', () => {
      const diagnosis = errorOf({ 'tracking-uri': 'databricks://browser' })

      expect(diagnosis.detail).toContain('has no token')
      expect(diagnosis.detail).toContain('auth_type databricks-cli')
      expect(diagnosis.fix).toContain('client_secret')
    })

    it('profile without secret passes for github-oidc', () => {
      const applied = apply({
        'tracking-uri': 'databricks://browser',
        'auth-mode': 'github-oidc',
        'databricks-client-id': 'sp-federated'
      })

      expect(valueOf(applied, 'databricks-host')).toBe(
        'https://browser.example.com'
      )
    })

    it('rejects a secret scope URI', () => {
      const diagnosis = errorOf({ 'tracking-uri': 'databricks://scope:key' })

      expect(diagnosis.detail).toContain('secret scope')
      expect(diagnosis.detail).toContain('inside a notebook only')
    })

    it('rejects two different profiles', () => {
      const diagnosis = errorOf({
        'tracking-uri': 'databricks://ci',
        'registry-uri': 'databricks-uc://m2m'
      })

      expect(diagnosis.title).toBe('Invalid input `registry-uri`')
      expect(diagnosis.detail).toContain('one run uses one workspace')
    })

    it('rejects another host for the profile token', () => {
      const diagnosis = errorOf(
        { 'tracking-uri': 'databricks://ci' },
        { DATABRICKS_HOST: 'https://other.example.com' }
      )

      expect(diagnosis.title).toBe(
        'Invalid environment variable DATABRICKS_HOST ' +
          '(input `databricks-host`)'
      )
      expect(diagnosis.detail).toContain('supplies the token')
    })

    it('accepts the same host in another spelling', () => {
      const applied = apply(
        { 'tracking-uri': 'databricks://ci' },
        { DATABRICKS_HOST: 'CI.example.com' }
      )

      expect(valueOf(applied, 'databricks-token')).toBe('dapi-ci-token')
    })
  })
})
