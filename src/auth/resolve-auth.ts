import type { AuthSettings } from '../config/config.js'
import type { InputName } from '../config/inputs.js'
import type { MaskSecret } from '../config/secrets.js'
import { configError } from '../diagnosis/diagnosis.js'
import { BasicAuth } from './basic.js'
import { BearerAuth } from './bearer.js'
import { createDatabricksProvider } from './databricks.js'
import { NoAuth } from './none.js'
import {
  createOAuthProvider,
  hasClientCredentials,
  type ProviderContext
} from './oauth-mode.js'
import { createGitHubOidcProvider } from './oidc-mode.js'
import type { AuthMode, AuthProvider } from './provider.js'
import {
  createHokusaiProvider,
  hokusaiReason,
  ignoredHokusaiKey,
  isHokusaiKey
} from './resolve-hokusai.js'
import {
  checkSigV4Mode,
  createSigV4Provider,
  SIGV4_AUTO_REASON
} from './resolve-sigv4.js'

/** The chosen auth provider, why it won, and what it left unused. */
export interface AuthResolution {
  readonly provider: AuthProvider
  /** Why this mode was chosen, for example `auth-mode: basic`. */
  readonly reason: string
  /** Settings that were present but not used, with the reason. */
  readonly ignored: readonly string[]
}

type Origins = ReadonlyMap<InputName, string>

const DEFAULT_CONTEXT: ProviderContext = {
  log: {
    info: () => undefined,
    debug: () => undefined,
    warning: () => undefined,
    error: () => undefined,
    group: (_name, body) => body()
  },
  timeoutMs: 60_000,
  now: Date.now
}

/**
 * Picks the auth provider. `auto` follows the MLflow Python client's
 * precedence: a username and password win over a token, as in
 * `mlflow/utils/rest_utils.py`. That client has no OAuth mode, so client
 * credentials come last.
 */
export function resolveAuth(
  auth: AuthSettings,
  origins: Origins,
  mask: MaskSecret,
  context: ProviderContext = DEFAULT_CONTEXT
): AuthResolution {
  const mode = auth.mode === 'auto' ? pickAutoMode(auth) : auth.mode
  checkSigV4Mode(mode, auth)
  const reason =
    auth.mode === 'auto'
      ? `auth-mode auto chose ${mode}: ${autoReason(mode, auth, origins)}`
      : `auth-mode is ${mode} (${origins.get('auth-mode') ?? 'input'})`
  return {
    provider: createProvider(mode, auth, mask, context),
    reason,
    ignored: listIgnored(mode, auth, origins)
  }
}

function pickAutoMode(auth: AuthSettings): AuthMode {
  if (auth.sagemaker) return 'sigv4'
  if (auth.databricks) return 'databricks'
  if (auth.username !== undefined && auth.password !== undefined) {
    return 'basic'
  }
  if (isHokusaiKey(auth)) return 'hokusai'
  if (auth.token !== undefined) return 'bearer'
  if (hasClientCredentials(auth.oauth)) return 'oauth-client-credentials'
  if (auth.username === undefined && auth.password === undefined) {
    return checkNoClientCredentials(auth)
  }
  const missing = auth.username === undefined ? 'username' : 'password'
  const present = missing === 'username' ? 'password' : 'username'
  throw configError(
    `input \`${missing}\``,
    `a ${present} is set but the ${missing} is missing, so the Basic ` +
      'credentials are incomplete',
    `Set \`${missing}\` (or MLFLOW_TRACKING_${missing.toUpperCase()}), ` +
      `or remove the ${present}.`
  )
}

/** Returns `none`, unless half of the client credentials is set. */
function checkNoClientCredentials(auth: AuthSettings): AuthMode {
  const { clientId, clientSecret } = auth.oauth ?? {}
  if (clientId === undefined && clientSecret === undefined) return 'none'
  const missing = clientId === undefined ? 'client-id' : 'client-secret'
  const present = missing === 'client-id' ? 'client-secret' : 'client-id'
  throw configError(
    `input \`${missing}\``,
    `a ${present} is set but the ${missing} is missing, so the OAuth ` +
      'client credentials are incomplete',
    `Set \`${missing}\`, or remove the ${present}.`
  )
}

function autoReason(
  mode: AuthMode,
  auth: AuthSettings,
  origins: Origins
): string {
  const from = (name: InputName): string => origins.get(name) ?? name
  if (mode === 'basic') {
    return (
      `username from ${from('username')}, ` +
      `password from ${from('password')}`
    )
  }
  if (mode === 'bearer') return `token from ${from('token')}`
  if (mode === 'sigv4') return SIGV4_AUTO_REASON
  if (mode === 'databricks') return databricksReason(auth, from)
  if (mode === 'hokusai') return hokusaiReason(auth, from('token'))
  if (mode === 'oauth-client-credentials') {
    return (
      `client ID from ${from('client-id')}, client secret from ` +
      from('client-secret')
    )
  }
  return 'no credentials are set'
}

function databricksReason(
  auth: AuthSettings,
  from: (name: InputName) => string
): string {
  const host = from('databricks-host')
  const workspace = `the tracking URI is databricks (${host})`
  if (auth.databricks?.token !== undefined) {
    return `${workspace}, token from ${from('databricks-token')}`
  }
  return (
    `${workspace}, client ID from ${from('databricks-client-id')}, ` +
    `client secret from ${from('databricks-client-secret')}`
  )
}

function createProvider(
  mode: AuthMode,
  auth: AuthSettings,
  mask: MaskSecret,
  context: ProviderContext
): AuthProvider {
  switch (mode) {
    case 'none':
      return new NoAuth()
    case 'basic':
      if (auth.username === undefined || auth.password === undefined) {
        const missing = auth.username === undefined ? 'username' : 'password'
        throw configError(
          `input \`${missing}\``,
          `auth-mode is basic but no ${missing} is set`,
          `Set \`${missing}\` or MLFLOW_TRACKING_${missing.toUpperCase()}.`
        )
      }
      return new BasicAuth(auth.username, auth.password, mask)
    case 'bearer':
      if (auth.token === undefined) {
        throw configError(
          'input `token`',
          'auth-mode is bearer but no token is set',
          'Set `token` or MLFLOW_TRACKING_TOKEN to the token or API key.'
        )
      }
      return new BearerAuth(auth.token, auth.tokenHeader)
    case 'sigv4':
      return createSigV4Provider(auth)
    case 'hokusai':
      return createHokusaiProvider(auth)
    case 'oauth-client-credentials':
      return createOAuthProvider(auth.oauth, mask, context)
    case 'github-oidc':
      return createGitHubOidcProvider(auth, mask, context)
    case 'databricks':
      return createDatabricksProvider(auth.databricks, mask, context)
  }
}

function listIgnored(
  mode: AuthMode,
  auth: AuthSettings,
  origins: Origins
): string[] {
  const from = (name: InputName): string => origins.get(name) ?? name
  const ignored: string[] = []
  const usesToken = mode === 'bearer' || mode === 'hokusai'
  if (!usesToken && auth.token !== undefined) {
    ignored.push(
      `token (from ${from('token')}): ` + ignoredTokenReason(mode, auth)
    )
  }
  if (mode !== 'basic') {
    for (const name of ['username', 'password'] as const) {
      if (auth[name] !== undefined) {
        ignored.push(
          `${name} (from ${from(name)}): ` +
            (mode === 'sigv4' ? SIGV4_IGNORED : `auth-mode is ${mode}`)
        )
      }
    }
  }
  if (mode !== 'oauth-client-credentials' && mode !== 'github-oidc') {
    const clientInputs = [
      ['client-id', auth.oauth?.clientId],
      ['client-secret', auth.oauth?.clientSecret]
    ] as const
    for (const [name, value] of clientInputs) {
      if (value !== undefined) {
        ignored.push(`${name} (from ${from(name)}): auth-mode is ${mode}`)
      }
    }
  }
  ignored.push(...ignoredHokusaiKey(mode, auth))
  return ignored
}

const SIGV4_IGNORED =
  'a SageMaker ARN is signed with AWS SigV4, and no token or password is ' +
  'sent to it'

function ignoredTokenReason(mode: AuthMode, auth: AuthSettings): string {
  if (mode === 'sigv4') return SIGV4_IGNORED
  return auth.mode === 'auto'
    ? 'Basic credentials take precedence, as in the MLflow client'
    : `auth-mode is ${mode}`
}
