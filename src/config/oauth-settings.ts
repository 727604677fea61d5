import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import { parseSetting, quote, settingLabel } from './fields.js'
import type { InputName } from './inputs.js'
import type { Setting } from './settings.js'
import { redactUserinfo } from './tracking-uri.js'

/** Client authentication methods at the token endpoint (RFC 6749, 2.3.1). */
export const CLIENT_AUTH_METHODS = ['basic', 'post'] as const

/** A client authentication method: `client_secret_basic` or `_post`. */
export type ClientAuthMethod = (typeof CLIENT_AUTH_METHODS)[number]

/** Settings of the OAuth client credentials grant, as the user gave them. */
export interface OAuthSettings {
  /** The token endpoint; exclusive with {@link issuer}. */
  readonly tokenEndpoint?: URL
  /** The issuer whose discovery document names the token endpoint. */
  readonly issuer?: URL
  readonly clientId?: string
  readonly clientSecret?: string
  /** Scopes separated by single spaces. */
  readonly scope?: string
  /** The `audience` parameter that Auth0 and similar providers read. */
  readonly audience?: string
  /** The RFC 8707 resource indicator. */
  readonly resource?: string
  readonly clientAuth: ClientAuthMethod
}

type SettingReader = (name: InputName) => Setting | undefined

// A scope token is one or more printable ASCII characters other than
// space, double quote and backslash (RFC 6749, section 3.3).
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/

/**
 * Validates the OAuth settings, returned as `{ oauth }` for the auth
 * settings, or `{}` when no OAuth input is set. Whether the chosen auth
 * mode needs them is decided when the provider is created, so that `auto`
 * can see which ones are set.
 */
export function parseOAuthSettings(get: SettingReader): {
  oauth?: OAuthSettings
} {
  const tokenEndpoint = parseEndpoint('token-endpoint', get('token-endpoint'))
  const issuer = parseEndpoint('oauth-issuer', get('oauth-issuer'))
  if (tokenEndpoint && issuer) {
    throw configError(
      'input `token-endpoint`',
      'both `token-endpoint` and `oauth-issuer` are set, so the token ' +
        'endpoint is ambiguous',
      'Set only one: `token-endpoint` for a known endpoint, or ' +
        '`oauth-issuer` to discover it.'
    )
  }
  const clientAuth = parseSetting(
    'client-auth',
    get('client-auth') ?? { value: 'basic', origin: 'default' },
    z.enum(CLIENT_AUTH_METHODS),
    'basic or post',
    'Set `client-auth` to basic (HTTP Basic header) or post (form body).'
  )
  const values = {
    tokenEndpoint,
    issuer,
    clientId: get('client-id')?.value,
    clientSecret: get('client-secret')?.value,
    scope: parseScope(get('scope')),
    audience: get('audience')?.value,
    resource: parseResource(get('resource'))
  }
  const present = Object.entries(values).filter(([, v]) => v !== undefined)
  if (present.length === 0) return {}
  const oauth = Object.fromEntries(present) as Omit<OAuthSettings, 'clientAuth'>
  return { oauth: { ...oauth, clientAuth } }
}

function parseEndpoint(
  name: InputName,
  setting: Setting | undefined
): URL | undefined {
  if (!setting) return undefined
  const label = settingLabel(name, setting)
  // The user info may hold a password, so messages show it redacted.
  const shown = quote(redactUserinfo(setting.value))
  const url = URL.parse(setting.value)
  if (url === null || !['https:', 'http:'].includes(url.protocol)) {
    throw configError(
      label,
      `${shown} is not an absolute http or https URL`,
      `Set \`${name}\` to a URL such as https://idp.example.com/oauth/token.`
    )
  }
  if (url.username || url.password || url.hash) {
    throw configError(
      label,
      `${shown} contains user info or a fragment`,
      'Remove them: the client authenticates with `client-id` and ' +
        '`client-secret`.'
    )
  }
  if (url.protocol !== 'https:' && !isLoopbackHttp(url)) {
    throw configError(
      label,
      `${shown} does not use https, so the client secret and the tokens ` +
        'would cross the network in clear text',
      'Use the https URL of the provider. Plain http is accepted only ' +
        'for a provider on the loopback interface.'
    )
  }
  return url
}

/** Checks whether a URL is plain http to the loopback interface. */
export function isLoopbackHttp(url: URL): boolean {
  return (
    url.protocol === 'http:' &&
    ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
  )
}

function parseScope(setting: Setting | undefined): string | undefined {
  if (!setting) return undefined
  const tokens = setting.value.split(/\s+/).filter(token => token !== '')
  const invalid = tokens.find(token => !SCOPE_TOKEN.test(token))
  if (invalid === undefined) return tokens.join(' ')
  throw configError(
    settingLabel('scope', setting),
    `${quote(invalid)} is not a valid scope: scopes are printable ASCII ` +
      'without double quotes or backslashes',
    'List the scopes separated by spaces, such as `mlflow.write offline`.'
  )
}

function parseResource(setting: Setting | undefined): string | undefined {
  if (!setting) return undefined
  // RFC 8707, section 2: an absolute URI without a fragment.
  const valid = URL.canParse(setting.value) && !setting.value.includes('#')
  if (valid) return setting.value
  throw configError(
    settingLabel('resource', setting),
    `${quote(setting.value)} is not an absolute URI without a fragment`,
    'Set `resource` to the URI of the API, such as ' +
      'https://mlflow.example.com.'
  )
}
