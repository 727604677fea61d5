import { configError } from '../diagnosis/diagnosis.js'
import { quote, settingLabel } from './fields.js'
import { isLoopbackHttp } from './oauth-settings.js'
import type { Setting } from './settings.js'
import { redactUserinfo } from './tracking-uri.js'

/** A normalised workspace URL, and what normalising it dropped. */
export interface DatabricksHost {
  /** The origin and path, without a trailing slash, query or fragment. */
  readonly url: URL
  /** A warning for the log when a query or fragment was dropped. */
  readonly warning?: string
}

/**
 * Normalises DATABRICKS_HOST: `https://` is added to a bare host name and
 * trailing slashes are removed. A query or fragment is dropped with a
 * warning, because the API paths are joined to the URL.
 */
export function parseDatabricksHost(setting: Setting): DatabricksHost {
  const label = settingLabel('databricks-host', setting)
  const raw = setting.value.trim()
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw)
    ? raw
    : `https://${raw}`
  const url = URL.parse(withScheme)
  const shown = quote(redactUserinfo(raw))
  if (url === null || !['https:', 'http:'].includes(url.protocol)) {
    throw configError(
      label,
      `${shown} is not a workspace URL`,
      'Set `databricks-host` to the URL of the workspace, such as ' +
        'https://dbc-1234.cloud.databricks.com.'
    )
  }
  if (url.username || url.password) {
    throw configError(
      label,
      `${shown} contains user info`,
      'Remove it, and set the credentials in `databricks-token` or ' +
        '`databricks-client-id` and `databricks-client-secret`.'
    )
  }
  if (url.protocol === 'http:' && !isLoopbackHttp(url)) {
    throw configError(
      label,
      `${shown} does not use https, so the token would cross the network ` +
        'in clear text',
      'Use the https URL of the workspace.'
    )
  }
  return normalise(url, label)
}

function normalise(url: URL, label: string): DatabricksHost {
  const dropped = url.search || url.hash
  const clean = new URL(url.href)
  clean.search = ''
  clean.hash = ''
  clean.pathname = clean.pathname.replace(/\/+$/, '')
  if (!dropped) return { url: clean }
  return {
    url: clean,
    warning:
      `${label}: dropped the query and fragment of the workspace URL; ` +
      `the requests go to ${clean.href}`
  }
}
