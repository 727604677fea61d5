import { readFileSync } from 'node:fs'
import { homedir } from 'node:os'
import path from 'node:path'

import { configError } from '../diagnosis/diagnosis.js'
import {
  parseDatabricksCfg,
  type DatabricksProfiles
} from './databricks-cfg.js'
import { parseDatabricksUri } from './databricks-uri.js'
import { settingLabel } from './fields.js'
import type { InputName } from './inputs.js'
import { maskSecret, type MaskSecret } from './secrets.js'
import type { Setting, Settings } from './settings.js'

/** Reads a file as UTF-8 text; replaced in tests. */
export type ReadText = (file: string) => string

/** The profile to read, where its name came from, and the file. */
interface ProfileRequest {
  readonly name: string
  /** The label of the setting that chose the profile, for messages. */
  readonly chosenBy: string
  readonly file: string
  /** The label of `databricks-config-file` when a setting named the file. */
  readonly fileSetBy?: string
}

/** The profile keys this action reads, and the input each one fills. */
const PROFILE_KEYS = [
  ['host', 'databricks-host'],
  ['token', 'databricks-token'],
  ['client_id', 'databricks-client-id'],
  ['client_secret', 'databricks-client-secret']
] as const satisfies readonly (readonly [string, InputName])[]

/** The keys that the Databricks SDK for Python marks as sensitive. */
const SECRET_KEYS = [
  'token',
  'client_secret',
  'password',
  'azure_client_secret',
  'google_credentials',
  'metadata_service_url'
]

/**
 * Fills the workspace settings from a Databricks CLI profile when a
 * tracking or registry URI names Databricks. The precedence is that of
 * the Databricks SDK for Python (`Config` in databricks/sdk/config.py),
 * which MLflow 3 uses. Key by key, inputs win over DATABRICKS_*
 * variables, which win over the profile. The profile is
 * `databricks://<profile>`, else
 * `databricks-profile` (DATABRICKS_CONFIG_PROFILE); `DEFAULT` is read only
 * when neither the workspace URL nor any credential is set. The secrets
 * of the profile are masked as soon as the file is parsed.
 */
export function applyDatabricksProfile(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  mask: MaskSecret,
  readText: ReadText = file => readFileSync(file, 'utf8')
): Settings {
  const request = findProfileRequest(settings, env)
  if (request === undefined) return settings
  const profiles = readProfiles(request, readText)
  const profile = profiles.get(request.name)
  if (profile === undefined) throw missingProfile(request, profiles)
  for (const key of SECRET_KEYS) {
    const value = profile.get(key)
    if (value) maskSecret(mask, value)
  }
  const merged = new Map(settings)
  for (const [key, input] of PROFILE_KEYS) {
    const value = profile.get(key)
    if (merged.has(input) || !value) continue
    merged.set(input, {
      value,
      origin: `profile ${request.name} of ${request.file}`,
      label: `\`${key}\` of profile [${request.name}] in ${request.file}`
    })
  }
  checkProfileSettings(merged, settings, request, profile)
  return merged
}

function findProfileRequest(
  settings: Settings,
  env: NodeJS.ProcessEnv
): ProfileRequest | undefined {
  const tracking = settings.get('tracking-uri')
  const registry = settings.get('registry-uri')
  const uris = [
    tracking && readUriProfile(tracking, 'tracking-uri'),
    registry && readUriProfile(registry, 'registry-uri')
  ].filter(uri => uri !== undefined)
  const onlyMode =
    tracking === undefined && settings.get('auth-mode')?.value === 'databricks'
  if (uris.length === 0 && !onlyMode) {
    checkProfileUnused(settings.get('databricks-profile'))
    return undefined
  }

  const fileSetting = settings.get('databricks-config-file')
  const file = resolveConfigFile(fileSetting, env)
  const fileSetBy = fileSetting
    ? { fileSetBy: settingLabel('databricks-config-file', fileSetting) }
    : {}
  const named = uris.filter(uri => uri.profile !== undefined)
  const [first, second] = named
  if (first && second && first.profile !== second.profile) {
    throw configError(
      second.label,
      `it names profile ${second.profile ?? ''}, but ${first.label} names ` +
        `profile ${first.profile ?? ''}, and one run uses one workspace`,
      'Name the same profile in both URIs, or leave one of them bare.'
    )
  }
  // NOTE: a bare URI next to a named profile uses that profile. MLflow
  // would resolve the bare one from DATABRICKS_CONFIG_PROFILE or DEFAULT.
  if (first?.profile) {
    return { name: first.profile, chosenBy: first.label, file, ...fileSetBy }
  }
  const profileSetting = settings.get('databricks-profile')
  if (profileSetting) {
    return {
      name: profileSetting.value,
      chosenBy: settingLabel('databricks-profile', profileSetting),
      file,
      ...fileSetBy
    }
  }
  const configured = PROFILE_KEYS.some(([, input]) => settings.has(input))
  if (configured) return undefined
  return {
    name: 'DEFAULT',
    chosenBy: 'the default profile',
    file,
    ...fileSetBy
  }
}

/**
 * Rejects a `databricks-profile` input that no Databricks URI reads. The
 * variable DATABRICKS_CONFIG_PROFILE is often set for every job, so only
 * the input, which names this run's intent, is checked.
 */
function checkProfileUnused(profile: Setting | undefined): void {
  if (profile?.origin !== 'input') return
  throw configError(
    settingLabel('databricks-profile', profile),
    `it names profile '${profile.value}', but neither \`tracking-uri\` ` +
      'nor `registry-uri` is a Databricks URI, so no profile is read',
    'Set `tracking-uri` to `databricks` or `registry-uri` to ' +
      '`databricks-uc` to use the profile, or remove `databricks-profile`.'
  )
}

function readUriProfile(
  setting: Setting,
  name: 'tracking-uri' | 'registry-uri'
): { profile?: string; label: string } | undefined {
  const uri = parseDatabricksUri(setting, name)
  if (uri === undefined) return undefined
  if (name === 'tracking-uri' && uri.scheme !== 'databricks') return undefined
  return {
    ...(uri.profile ? { profile: uri.profile } : {}),
    label: settingLabel(name, setting)
  }
}

/** Returns `databricks-config-file` with `~` expanded, or the default. */
function resolveConfigFile(
  setting: Setting | undefined,
  env: NodeJS.ProcessEnv
): string {
  const home = env.HOME ?? homedir()
  const file = setting?.value ?? '~/.databrickscfg'
  const expanded = file.replace(/^~(?=$|\/)/, home)
  return path.resolve(expanded)
}

function readProfiles(
  request: ProfileRequest,
  readText: ReadText
): DatabricksProfiles {
  let text: string
  try {
    text = readText(request.file)
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'an error'
    const problem =
      code === 'ENOENT' ? 'does not exist' : `could not be read (${code})`
    throw configError(
      request.fileSetBy ?? request.chosenBy,
      `profile ${request.name} is read from the Databricks CLI config ` +
        `file ${request.file}, which ${problem}`,
      'Write the profile to that file, or set `databricks-config-file` ' +
        '(DATABRICKS_CONFIG_FILE) to the path of the file that has it. ' +
        'Without a profile, set `databricks-host` and `databricks-token` ' +
        '(DATABRICKS_HOST and DATABRICKS_TOKEN) or the client ID and secret.'
    )
  }
  return parseDatabricksCfg(text, request.file)
}

function missingProfile(request: ProfileRequest, profiles: DatabricksProfiles) {
  const names = [...profiles.keys()]
  const found = names.length > 0 ? names.join(', ') : 'none'
  return configError(
    request.chosenBy,
    `the Databricks CLI config file ${request.file} has no profile ` +
      `[${request.name}] (its profiles: ${found})`,
    `Add a [${request.name}] section with host and token to the file, or ` +
      'name one of its profiles in `databricks://<profile>` or ' +
      '`databricks-profile` (DATABRICKS_CONFIG_PROFILE).'
  )
}

/**
 * Checks that the merged settings name a workspace and credentials for
 * it, and that the profile's credentials go to the profile's own host.
 */
function checkProfileSettings(
  merged: Settings,
  inputSettings: Settings,
  request: ProfileRequest,
  profile: ReadonlyMap<string, string>
): void {
  const where = `profile [${request.name}] in ${request.file}`
  if (!merged.has('databricks-host')) {
    throw configError(
      request.chosenBy,
      `${where} has no host, and \`databricks-host\` is not set`,
      `Add \`host = https://<workspace URL>\` to the profile, or set ` +
        '`databricks-host` (DATABRICKS_HOST).'
    )
  }
  const oidc = merged.get('auth-mode')?.value === 'github-oidc'
  const hasToken = merged.has('databricks-token')
  const hasClient =
    merged.has('databricks-client-id') && merged.has('databricks-client-secret')
  if (!oidc && !hasToken && !hasClient) {
    const authType = profile.get('auth_type')
    throw configError(
      request.chosenBy,
      `${where} has no token, nor client_id and client_secret` +
        (authType ? ` (its auth_type ${authType} is not supported)` : ''),
      'Add `token = <personal access token>`, or the `client_id` and ' +
        '`client_secret` of a service principal, to the profile. Logins ' +
        'such as databricks-cli and azure-cli need a browser, which a CI ' +
        'job does not have.'
    )
  }
  checkHostOwner(inputSettings, profile, where)
}

/**
 * Rejects a workspace URL from an input or variable that differs from
 * the profile's host when the profile supplies the credentials. The
 * Databricks SDK would send them there, but this action sends a
 * profile's secret only to the host that the profile names.
 */
function checkHostOwner(
  inputSettings: Settings,
  profile: ReadonlyMap<string, string>,
  where: string
): void {
  const host = inputSettings.get('databricks-host')
  const profileHost = profile.get('host')
  if (!host || !profileHost) return
  if (normaliseHost(host.value) === normaliseHost(profileHost)) return
  const secrets = PROFILE_KEYS.filter(
    ([key, input]) =>
      key !== 'host' && !inputSettings.has(input) && profile.get(key)
  )
  if (secrets.length === 0) return
  throw configError(
    settingLabel('databricks-host', host),
    `it names another workspace than the host of ${where}, which ` +
      `supplies the ${secrets.map(([key]) => key).join(' and ')}`,
    'Unset `databricks-host` (DATABRICKS_HOST) to use the profile, or ' +
      `set the credentials for ${host.value} next to it.`
  )
}

function normaliseHost(value: string): string {
  const trimmed = value.trim().replace(/\/+$/, '').toLowerCase()
  return /^[a-z][a-z0-9+.-]*:\/\//.test(trimmed)
    ? trimmed
    : `https://${trimmed}`
}
