import { configError } from '../diagnosis/diagnosis.js'
import { quote, settingLabel } from './fields.js'
import type { Setting } from './settings.js'

/** A `databricks` or `databricks-uc` URI, with the CLI profile it names. */
export interface DatabricksUri {
  readonly scheme: 'databricks' | 'databricks-uc'
  /** The profile of `databricks://<profile>`; absent for a bare URI. */
  readonly profile?: string
}

// MLflow 3 reads the profile from the authority of the URI and the part
// after a colon as a secret key prefix (`get_db_info_from_uri` in
// mlflow/utils/uri.py). A trailing slash is tolerated.
const DATABRICKS_URI = /^(databricks-uc|databricks)(?::\/\/([^/]*)\/?)?$/i

/**
 * Parses a tracking or registry URI that names Databricks, or returns
 * undefined for any other URI. `databricks://<scope>:<prefix>` reads
 * the workspace from notebook secrets, which exist only inside a
 * Databricks notebook, so it is rejected here.
 */
export function parseDatabricksUri(
  setting: Setting,
  name: 'tracking-uri' | 'registry-uri'
): DatabricksUri | undefined {
  const value = setting.value.trim()
  const match = DATABRICKS_URI.exec(value)
  if (!match) {
    if (/^databricks(-uc)?:/i.test(value)) throwInvalid(setting, name)
    return undefined
  }
  const scheme = (match[1] ?? '').toLowerCase() as DatabricksUri['scheme']
  const profile = match[2]
  if (profile === undefined) return { scheme }
  if (profile.includes(':')) {
    throw configError(
      settingLabel(name, setting),
      `${quote(value)} names a secret scope and key prefix, which MLflow ` +
        'reads from Databricks secrets inside a notebook only',
      `Set \`${name}\` to \`${scheme}://<profile>\` for a profile of the ` +
        'Databricks CLI config file, or to `' +
        scheme +
        '` with `databricks-host` and its credentials.'
    )
  }
  if (!/^[^\s@?#[\]]+$/.test(profile)) throwInvalid(setting, name)
  return { scheme, profile }
}

function throwInvalid(
  setting: Setting,
  name: 'tracking-uri' | 'registry-uri'
): never {
  throw configError(
    settingLabel(name, setting),
    `${quote(setting.value.trim())} is not a valid Databricks URI`,
    `Set \`${name}\` to \`databricks\`, \`databricks-uc\` or ` +
      '`databricks://<profile>` with the name of a Databricks CLI profile.'
  )
}
