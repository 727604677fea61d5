import type { Host } from '../host/host.js'
import { maskAwsCredentials } from './aws-credentials.js'
import type { Config } from './config.js'
import { applyDatabricksProfile } from './databricks-profile.js'
import { maskHokusaiKey } from './hokusai-settings.js'
import type { InputName } from './inputs.js'
import { parseOfflineConfig, type OfflineConfig } from './offline-settings.js'
import { parseConfig } from './parse-config.js'
import { maskSecretSettings } from './secrets.js'
import { readSettings } from './settings.js'

/**
 * Reads, masks and validates the configuration: an offline registration
 * into the local registry, or a run against a tracking server. Secrets
 * are masked before validation, so even an error message about them is
 * safe to print. A Databricks CLI profile fills the workspace settings
 * that the inputs and variables leave unset.
 */
export function loadConfig(host: Host): Config | OfflineConfig {
  const inputSettings = readSettings(
    (name: InputName) => host.getInput(name),
    host.env
  )
  const mask = (value: string): void => {
    host.setSecret(value)
  }
  maskSecretSettings(inputSettings, mask, host.env)
  maskAwsCredentials(host.env, mask)
  maskHokusaiKey(host.env, mask)
  const settings = applyDatabricksProfile(inputSettings, host.env, mask)
  const workspace = host.env.GITHUB_WORKSPACE ?? process.cwd()
  return (
    parseOfflineConfig(settings, workspace) ??
    parseConfig(settings, workspace, host.env)
  )
}
