import { configError } from '../diagnosis/diagnosis.js'
import type { DatabricksSettings } from './databricks-settings.js'
import { parseDatabricksUri } from './databricks-uri.js'
import { quote, settingLabel } from './fields.js'
import type { Setting } from './settings.js'
import { parseTrackingUri, type TrackingUri } from './tracking-uri.js'

/**
 * The destination of registry calls. `tracking`: the tracking server,
 * as when no registry URI is set. `workspace`: the workspace registry,
 * chosen explicitly. `server`: another MLflow
 * server. `unity-catalog`: the Unity Catalog registry of the workspace.
 */
export type RegistryTarget =
  | {
      readonly kind: 'tracking'
      /**
       * Set when `registry-uri` names the tracking server itself, which
       * keeps a three-part name on Databricks out of Unity Catalog.
       */
      readonly explicit?: true
    }
  | { readonly kind: 'workspace'; readonly workspace?: DatabricksSettings }
  | {
      readonly kind: 'server'
      readonly url: URL
      /** Whether it shares the tracking server's scheme, host and port. */
      readonly sameOrigin: boolean
      /** Basic credentials from the registry URI's own user info. */
      readonly username?: string
      readonly password?: string
    }
  | {
      readonly kind: 'unity-catalog'
      /**
       * The workspace and its credentials when the tracking server is
       * elsewhere, and absent when the tracking URI is `databricks`.
       */
      readonly workspace?: DatabricksSettings
    }

/**
 * Parses `registry-uri` (or MLFLOW_REGISTRY_URI). `databricks-uc` selects
 * Unity Catalog on `databricks-host`, and `databricks` the workspace
 * registry, which is the tracking server when the tracking URI is
 * `databricks`. An http(s) URL names a second MLflow server.
 */
export function parseRegistryUri(
  setting: Setting | undefined,
  tracking: URL,
  databricks: DatabricksSettings | undefined
): RegistryTarget {
  if (!setting) return { kind: 'tracking' }
  const databricksUri = parseDatabricksUri(setting, 'registry-uri')
  if (databricksUri) {
    requireWorkspace(setting, databricks)
    return databricksUri.scheme === 'databricks-uc'
      ? { kind: 'unity-catalog' }
      : { kind: 'workspace' }
  }
  const parsed: TrackingUri = parseTrackingUri(setting, 'registry-uri')
  if (parsed.url.href === tracking.href && !parsed.username) {
    return { kind: 'tracking', explicit: true }
  }
  return {
    kind: 'server',
    url: parsed.url,
    sameOrigin: parsed.url.origin === tracking.origin,
    ...(parsed.username ? { username: parsed.username } : {}),
    ...(parsed.password ? { password: parsed.password } : {})
  }
}

/**
 * Rejects a Databricks registry URI without a workspace. The
 * configuration loader has already read the profile that a
 * `databricks-uc://<profile>` URI names.
 */
function requireWorkspace(
  setting: Setting,
  databricks: DatabricksSettings | undefined
): void {
  const label = settingLabel('registry-uri', setting)
  if (databricks === undefined) {
    throw configError(
      label,
      `${quote(setting.value.trim())} names a Databricks workspace's ` +
        'registry, but no workspace URL is set',
      'Set `databricks-host` (DATABRICKS_HOST) and its credentials, or ' +
        'name a Databricks CLI profile in `databricks-uc://<profile>`.'
    )
  }
}
