import { configError } from '../diagnosis/diagnosis.js'
import type { AuthSettings } from './config.js'
import { parseDatabricksHost } from './databricks-host.js'
import { parseDatabricksUri } from './databricks-uri.js'
import type { InputName } from './inputs.js'
import type { Setting } from './settings.js'
import type { TrackingUri } from './tracking-uri.js'

/** The workspace and credentials of the `databricks` auth mode. */
export interface DatabricksSettings {
  /** The workspace URL, which is also the tracking server's URL. */
  readonly host: URL
  /** A warning about how the host was normalised, for the log. */
  readonly hostWarning?: string
  /** A personal access token. */
  readonly token?: string
  /** The service principal's application ID. */
  readonly clientId?: string
  readonly clientSecret?: string
}

/** The settings that a `databricks` tracking URI adds to the configuration. */
export interface DatabricksTarget {
  readonly tracking: TrackingUri
  readonly auth: Pick<AuthSettings, 'databricks'>
}

/**
 * Reads the workspace when the tracking URI is `databricks`, or when
 * `auth-mode` is `databricks` and no tracking URI is set. Returns
 * undefined for any other tracking URI.
 */
export function readDatabricksSettings(
  get: (name: InputName) => Setting | undefined
): DatabricksTarget | undefined {
  const uri = get('tracking-uri')
  const mode = get('auth-mode')?.value
  const named = uri !== undefined && isDatabricksUri(uri)
  if (!named && !(uri === undefined && mode === 'databricks')) {
    return undefined
  }
  const databricks = readWorkspace(get, 'the tracking URI is `databricks`')
  return { tracking: { url: databricks.host }, auth: { databricks } }
}

/**
 * Reads the workspace of a Databricks registry URI when the tracking
 * server is elsewhere, or returns undefined for any other registry URI.
 * Its credentials go to the workspace only.
 */
export function readRegistryWorkspace(
  get: (name: InputName) => Setting | undefined
): DatabricksSettings | undefined {
  const registry = get('registry-uri')
  if (!registry || !parseDatabricksUri(registry, 'registry-uri')) {
    return undefined
  }
  return readWorkspace(get, 'the registry URI names Databricks')
}

function readWorkspace(
  get: (name: InputName) => Setting | undefined,
  reason: string
): DatabricksSettings {
  const hostSetting = get('databricks-host')
  if (!hostSetting) {
    throw configError(
      'input `databricks-host`',
      `${reason} but no workspace URL is set`,
      'Set `databricks-host` or DATABRICKS_HOST to the URL of the ' +
        'workspace, such as https://dbc-1234.cloud.databricks.com, or ' +
        'name a Databricks CLI profile in `databricks://<profile>`.'
    )
  }
  const host = parseDatabricksHost(hostSetting)
  return {
    host: host.url,
    ...(host.warning ? { hostWarning: host.warning } : {}),
    ...optional('token', get('databricks-token')),
    ...optional('clientId', get('databricks-client-id')),
    ...optional('clientSecret', get('databricks-client-secret'))
  }
}

/**
 * Checks whether a tracking URI names Databricks: `databricks` or
 * `databricks://<profile>`, whose profile the configuration loader has
 * already read into the workspace settings.
 */
export function isDatabricksUri(setting: Setting): boolean {
  return parseDatabricksUri(setting, 'tracking-uri')?.scheme === 'databricks'
}

function optional<K extends string>(
  key: K,
  setting: Setting | undefined
): Partial<Record<K, string>> {
  return setting ? ({ [key]: setting.value } as Record<K, string>) : {}
}
