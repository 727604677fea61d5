import path from 'node:path'

import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import { readProxySettings } from '../http/proxy.js'
import type { AuthSettings, Config, Mode } from './config.js'
import {
  attemptsSchema,
  booleanSchema,
  delaySchema,
  parseSetting,
  quote,
  secondsSchema,
  settingLabel
} from './fields.js'
import { checkAzureExchange, parseAzureSettings } from './azure-settings.js'
import { checkAttestUse } from './attest-settings.js'
import { parseBundleSettings } from './bundle-settings.js'
import { checkCleartextCredentials } from './cleartext.js'
import {
  readDatabricksSettings,
  readRegistryWorkspace,
  type DatabricksSettings
} from './databricks-settings.js'
import { HEADER_NAME, parseExtraHeaders } from './extra-headers.js'
import { AUTH_MODES, MODES, type InputName } from './inputs.js'
import { parseOAuthSettings } from './oauth-settings.js'
import { parseOidcSettings } from './oidc-settings.js'
import { resolveRegistryDir } from './offline-settings.js'
import {
  parseRegistrationFields,
  requireSetting
} from './registration-fields.js'
import { readHokusaiSettings } from './hokusai-settings.js'
import { checkRegistryCleartext, chooseRegistry } from './registry-choice.js'
import type { RegistryTarget } from './registry-uri.js'
import { readSageMakerSettings } from './sagemaker-settings.js'
import { checkSigningTarget, parseSigningSettings } from './signing-settings.js'
import { checkKeylessUse } from './sigstore-settings.js'
import { parseVerifySource } from './verify-source.js'
import { describeOrigin, type Setting, type Settings } from './settings.js'
import { readStorageEndpoints } from '../storage/endpoints.js'
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
    'Set `mode` to register, preflight, sync or verify.'
  )
  const sagemaker = readSageMakerSettings(get, env)
  const databricks = readDatabricksSettings(get)
  const tracking =
    sagemaker?.tracking ??
    databricks?.tracking ??
    parseTrackingUri(get('tracking-uri'))
  const registration = parseRegistrationFields(get, mode, workspace)
  const registryWorkspace = databricks ? undefined : readRegistryWorkspace(get)
  const registry = placeRegistry(
    chooseRegistry(
      get('registry-uri'),
      tracking.url,
      databricks?.auth.databricks ?? registryWorkspace,
      registration
    ),
    registryWorkspace
  )
  const auth = {
    ...parseAuthSettings(get, tracking),
    ...sagemaker?.auth,
    ...databricks?.auth,
    ...readHokusaiSettings(get, env, tracking)
  }
  const extraHeaders = parseExtraHeaders(get('extra-headers'), auth.tokenHeader)
  const allowInsecureHttp = parseSetting(
    'allow-insecure-http',
    required('allow-insecure-http'),
    booleanSchema,
    'true or false',
    'Set `allow-insecure-http` to true or false.'
  )
  checkCleartextCredentials(tracking.url, auth, extraHeaders, allowInsecureHttp)
  checkRegistryCleartext(registry, allowInsecureHttp)

  const signing = parseSigningSettings(get, mode, workspace)
  checkSigningTarget(signing, registration)
  const dryRun = parseDryRun(mode, required('dry-run'))
  checkKeylessUse(signing, mode, env, dryRun)

  const reportPath = get('report-path')?.value
  const config: Config = {
    mode,
    trackingUri: tracking.url,
    registry,
    ...(registry.kind === 'unity-catalog' || databricks
      ? { storageEndpoints: readStorageEndpoints(env) }
      : {}),
    ...registration,
    auth,
    tls: parseTlsSettings(get, workspace),
    extraHeaders,
    proxy: readProxySettings(env),
    dryRun,
    attest: parseSetting(
      'attest',
      required('attest'),
      booleanSchema,
      'true or false',
      'Set `attest` to true or false.'
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
    retryMaxTimeMs: parseSeconds('retry-max-time', required('retry-max-time')),
    retryInitialDelayMs: parseSetting(
      'retry-initial-delay',
      required('retry-initial-delay'),
      delaySchema,
      'a number of seconds from 0 to 60',
      'Set `retry-initial-delay` to, for example, 0.5.'
    ),
    bundle: parseBundleSettings(get, workspace),
    signing,
    ...(mode === 'verify' ? { source: parseVerifySource(get('source')) } : {}),
    registryDir: resolveRegistryDir(get('registry-dir'), workspace),
    ...(reportPath ? { reportPath: path.resolve(workspace, reportPath) } : {}),
    origins: describeOrigins(settings, tracking)
  }
  checkAttestUse(config, env)
  return config
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

/**
 * Attaches the workspace of a Databricks registry URI to the registry
 * when the tracking server is elsewhere, so registry calls go to the
 * workspace with its own credentials.
 */
function placeRegistry(
  registry: RegistryTarget,
  workspace: DatabricksSettings | undefined
): RegistryTarget {
  if (workspace === undefined) return registry
  if (registry.kind !== 'unity-catalog' && registry.kind !== 'workspace') {
    return registry
  }
  return { ...registry, workspace }
}

function parseDryRun(mode: Mode, setting: Setting): boolean {
  const dryRun = parseSetting(
    'dry-run',
    setting,
    booleanSchema,
    'true or false',
    'Set `dry-run` to true or false.'
  )
  if (dryRun && mode === 'sync') {
    throw configError(
      settingLabel('dry-run', setting),
      'a dry run plans one registration, and sync replays bundles',
      'Use `dry-run` with mode register, or remove it.'
    )
  }
  return dryRun
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
  checkAzureExchange(mode, get)
  const tokenHeader = get('token-header')?.value ?? 'Authorization'
  if (!HEADER_NAME.test(tokenHeader)) {
    throw configError(
      settingLabel('token-header', get('token-header')),
      `${quote(tokenHeader)} is not a valid HTTP header name`,
      'Use a header name such as Authorization or X-API-Key.'
    )
  }
  const username = get('username')?.value ?? tracking.username
  if (username?.includes(':')) {
    // HTTP Basic joins the two with a colon, so a colon in the username
    // would move the rest of it into the password (RFC 7617).
    throw configError(
      settingLabel('username', get('username')),
      'it contains ":", which HTTP Basic authentication cannot carry in ' +
        'a username',
      'Use the username without the colon; if the colon starts the ' +
        'password, set `password` to that part instead.'
    )
  }
  const password = get('password')?.value ?? tracking.password
  const token = get('token')?.value
  return {
    mode,
    tokenHeader,
    ...parseOAuthSettings(get),
    ...parseOidcSettings(get),
    ...parseAzureSettings(get),
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
    ...(token === undefined ? {} : { token })
  }
}
