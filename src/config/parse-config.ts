import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import { readProxySettings } from '../http/proxy.js'
import type { AuthSettings, Config } from './config.js'
import {
  attemptsSchema,
  booleanSchema,
  parseSetting,
  quote,
  secondsSchema,
  settingLabel
} from './fields.js'
import { parseBundleSettings } from './bundle-settings.js'
import { HEADER_NAME, parseExtraHeaders } from './extra-headers.js'
import { AUTH_MODES, MODES, type InputName } from './inputs.js'
import { parseAliases, parseTags } from './lists.js'
import { parseMetricGates } from './metric-gates.js'
import { parseModelLocation } from './model-location.js'
import { parseOAuthSettings } from './oauth-settings.js'
import { parseOidcSettings } from './oidc-settings.js'
import { checkModelName } from './registry-rules.js'
import { readHokusaiSettings } from './hokusai-settings.js'
import { readSageMakerSettings } from './sagemaker-settings.js'
import { describeOrigin, type Setting, type Settings } from './settings.js'
import { parseTlsSettings } from './tls.js'
import { parseTrackingUri, type TrackingUri } from './tracking-uri.js'

/**
 * Validates every setting, and the proxy variables of `env`, into one
 * typed configuration. Nothing here touches the network; each failure
 * names the input and the fix.
 */
export function parseConfig(
  settings: Settings,
  workspace: string,
  env: NodeJS.ProcessEnv = {}
): Config {
  const get = (name: InputName): Setting | undefined => settings.get(name)
  const required = (name: InputName): Setting => requireSetting(name, get)

  const mode = parseSetting(
    'mode',
    required('mode'),
    z.enum(MODES),
    MODES.join(' or '),
    'Set `mode` to register, preflight or sync.'
  )
  const sagemaker = readSageMakerSettings(get, env)
  const tracking = sagemaker?.tracking ?? parseTrackingUri(get('tracking-uri'))
  const modelName = parseModelName(
    mode === 'register' ? required('model-name') : get('model-name')
  )
  const location =
    mode === 'register'
      ? parseModelLocation(get('source'), get('model-path'), workspace)
      : {}
  const aliases = parseAliases(get('aliases'))
  const auth = {
    ...parseAuthSettings(get, tracking),
    ...sagemaker?.auth,
    ...readHokusaiSettings(get, env, tracking)
  }

  return {
    mode,
    trackingUri: tracking.url,
    modelName,
    ...location,
    artifactPath: parseArtifactPath(required('artifact-path')),
    experimentName: required('experiment-name').value,
    ...optional('description', get('description')?.value),
    tags: parseTags(get('tags')),
    aliases,
    metricGates: parseMetricGates(
      get('require-metric'),
      aliases,
      'modelPath' in location
    ),
    auth,
    tls: parseTlsSettings(get, workspace),
    extraHeaders: parseExtraHeaders(get('extra-headers'), auth.tokenHeader),
    proxy: readProxySettings(env),
    ...optional('idempotencyKey', get('idempotency-key')?.value),
    forceNewVersion: parseSetting(
      'force-new-version',
      required('force-new-version'),
      booleanSchema,
      'true or false',
      'Set `force-new-version` to true or false.'
    ),
    waitTimeoutMs: parseSeconds('wait-timeout', required('wait-timeout')),
    requestTimeoutMs: parseSeconds(
      'request-timeout',
      required('request-timeout')
    ),
    maxAttempts: parseSetting(
      'max-attempts',
      required('max-attempts'),
      attemptsSchema,
      'a whole number from 1 to 20',
      'Set `max-attempts` to, for example, 5.'
    ),
    bundle: parseBundleSettings(get, workspace),
    origins: describeOrigins(settings, tracking)
  }
}

function describeOrigins(
  settings: Settings,
  tracking: TrackingUri
): Map<InputName, string> {
  const origins = new Map<InputName, string>()
  for (const [name, setting] of settings) {
    origins.set(name, describeOrigin(name, setting))
  }
  for (const name of ['username', 'password'] as const) {
    if (!settings.has(name) && tracking[name] !== undefined) {
      origins.set(name, 'the user info of the tracking URI')
    }
  }
  return origins
}

function requireSetting(
  name: InputName,
  get: (name: InputName) => Setting | undefined
): Setting {
  const setting = get(name)
  if (setting) return setting
  throw configError(
    `input \`${name}\``,
    'it is required but empty',
    `Set \`${name}\` in the step's \`with:\` block.`
  )
}

function optional<K extends string>(
  key: K,
  value: string | undefined
): Partial<Record<K, string>> {
  return value === undefined || value === ''
    ? {}
    : ({ [key]: value } as Record<K, string>)
}

function parseModelName(setting: Setting | undefined): string {
  if (!setting) return ''
  const problem = checkModelName(setting.value)
  if (!problem) return setting.value
  throw configError(
    settingLabel('model-name', setting),
    `${quote(setting.value)} is not a valid registered model name: ${problem}`,
    'Choose a name such as fraud-model.'
  )
}

function parseArtifactPath(setting: Setting): string {
  const value = setting.value.replace(/^\/+|\/+$/g, '')
  const parts = value.split('/')
  if (value === '' || parts.some(p => p === '' || p === '.' || p === '..')) {
    throw configError(
      settingLabel('artifact-path', setting),
      `${quote(setting.value)} is not a relative path inside a run`,
      'Use a plain relative path such as model.'
    )
  }
  return value
}

function parseSeconds(name: InputName, setting: Setting): number {
  return parseSetting(
    name,
    setting,
    secondsSchema,
    'a whole number of seconds from 1 to 86400',
    `Set \`${name}\` to a number of seconds, such as 300.`
  )
}

function parseAuthSettings(
  get: (name: InputName) => Setting | undefined,
  tracking: TrackingUri
): AuthSettings {
  const mode = parseSetting(
    'auth-mode',
    get('auth-mode') ?? { value: 'auto', origin: 'default' },
    z.enum(AUTH_MODES),
    `one of ${AUTH_MODES.join(', ')}`,
    'Set `auth-mode` to one of the listed modes, or leave it unset for auto.'
  )
  const tokenHeader = get('token-header')?.value ?? 'Authorization'
  if (!HEADER_NAME.test(tokenHeader)) {
    throw configError(
      settingLabel('token-header', get('token-header')),
      `${quote(tokenHeader)} is not a valid HTTP header name`,
      'Use a header name such as Authorization or X-API-Key.'
    )
  }
  const username = get('username')?.value ?? tracking.username
  const password = get('password')?.value ?? tracking.password
  const token = get('token')?.value
  return {
    mode,
    tokenHeader,
    ...parseOAuthSettings(get),
    ...parseOidcSettings(get),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(token === undefined ? {} : { token })
  }
}
