import { configError } from '../diagnosis/diagnosis.js'
import { quote, settingLabel } from './fields.js'
import type { Setting } from './settings.js'

/** A tracking URI with any credentials taken out of its user info. */
export interface TrackingUri {
  readonly url: URL
  readonly username?: string
  readonly password?: string
}

const MANAGED_SCHEMES = ['databricks', 'databricks-uc', 'arn', 'uc']
const STORE_SCHEMES = ['file', 'sqlite', 'postgresql', 'mysql', 'mssql']

/**
 * Parses the tracking URI. Only `http` and `https` servers are supported;
 * the base path is kept (MLflow may be served under a prefix) and its
 * trailing slashes are dropped so that API paths join without `//`.
 */
export function parseTrackingUri(
  setting: Setting | undefined,
  name: 'tracking-uri' | 'registry-uri' = 'tracking-uri'
): TrackingUri {
  const label = settingLabel(name, setting)
  if (!setting) {
    throw configError(
      'input `tracking-uri`',
      'no tracking server is configured',
      'Set the `tracking-uri` input or the MLFLOW_TRACKING_URI variable ' +
        'to the URL of your MLflow server, such as https://mlflow.example.com.'
    )
  }

  const shown = redactUserinfo(setting.value)
  // The URL parser drops tabs and line breaks without a word, so a value
  // pasted with one would silently name another URL.
  if (/\p{Cc}|\s/u.test(setting.value)) {
    throw configError(
      label,
      `${quote(shown)} contains whitespace or a control character`,
      'Remove the spaces, tabs and line breaks from the URL.'
    )
  }
  const value = mapAzureMlUri(setting.value)
  rejectUnsupportedScheme(label, shown, readScheme(value))
  let url: URL
  try {
    url = new URL(value)
  } catch {
    throw configError(
      label,
      `${quote(shown)} is not a valid URL`,
      'Use an absolute URL such as https://mlflow.example.com/mlflow.'
    )
  }
  if (url.search || url.hash) {
    throw configError(
      label,
      'the URL has a query string or fragment, which MLflow does not use',
      'Remove everything from the first "?" or "#".'
    )
  }
  return takeCredentials(url)
}

/**
 * Maps an Azure ML tracking URI, `azureml://<region>.api.azureml.ms/
 * mlflow/v1.0/subscriptions/...`, to the https URL with the same host
 * and path. azureml-mlflow builds its host URL as `https://` and the
 * host, and Azure's MLflow REST examples call that path.
 */
function mapAzureMlUri(value: string): string {
  return value.replace(/^azureml:\/\//i, 'https://')
}

/**
 * Returns the lower-case scheme of a URI. MLflow also accepts a bare
 * `databricks` or `databricks-uc`, which counts as that scheme.
 */
function readScheme(value: string): string | undefined {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1]
  if (scheme) return scheme.toLowerCase()
  const bare = value.toLowerCase()
  return MANAGED_SCHEMES.includes(bare) ? bare : undefined
}

function rejectUnsupportedScheme(
  label: string,
  value: string,
  scheme: string | undefined
): void {
  if (scheme === 'http' || scheme === 'https') return
  if (/^[a-z0-9.-]+:\d+(?:\/.*)?$/i.test(value)) {
    throw configError(
      label,
      `${quote(value)} is a host and port without a scheme`,
      `Write it as http://${value}, or https:// when the server uses TLS.`
    )
  }
  if (scheme && MANAGED_SCHEMES.includes(scheme)) {
    // SageMaker ARNs and `databricks` URIs are parsed before this check,
    // in sagemaker-arn.ts and databricks-settings.ts. `databricks-uc` and
    // `uc` name a registry, never a tracking server.
    throw configError(
      label,
      `${scheme}: tracking URIs are not supported by this version`,
      'Use the https:// URL of the tracking server and a token.'
    )
  }
  if (!scheme || STORE_SCHEMES.includes(scheme)) {
    throw configError(
      label,
      `${quote(value)} is a local store, not a tracking server`,
      'Start a tracking server (`mlflow server`) and set its http:// or ' +
        'https:// URL.'
    )
  }
  throw configError(
    label,
    `expected an http:// or https:// URL, got scheme "${scheme}:"`,
    'Use the URL of the MLflow tracking server.'
  )
}

/**
 * Replaces the text between `://` and the last `@` of a URL-like string
 * with `***`. That text may hold a password even when the URL does not
 * parse, for example when the password contains an unencoded `/` or `#`.
 */
export function redactUserinfo(value: string): string {
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/).*@/i, '$1***@')
}

function takeCredentials(url: URL): TrackingUri {
  const username = decodeUserinfo(url.username)
  const password = decodeUserinfo(url.password)
  const clean = new URL(url.href)
  clean.username = ''
  clean.password = ''
  // An empty `?` or `#` passes the query check, so it is removed here.
  clean.search = ''
  clean.hash = ''
  clean.pathname = clean.pathname.replace(/\/+$/, '')
  return {
    url: clean,
    ...(username ? { username } : {}),
    ...(password ? { password } : {})
  }
}

/** Percent-decodes user info. A `%` that starts no valid escape stays. */
function decodeUserinfo(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    return value
  }
}
