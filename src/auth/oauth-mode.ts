import type { OAuthSettings } from '../config/oauth-settings.js'
import type { MaskSecret } from '../config/secrets.js'
import { configError } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { RetryPolicy } from '../http/retry.js'
import { OAuthClientCredentials } from './oauth-client-credentials.js'
import type { ClientCredentialsGrant } from './token-endpoint.js'

/** Run context of a provider that calls a token endpoint. */
export interface ProviderContext {
  readonly log: Logger
  /** The bound on each call to the token endpoint. */
  readonly timeoutMs: number
  readonly now: () => number
  /** The environment, where the runner's ID token variables are. */
  readonly env?: NodeJS.ProcessEnv
  /** The retries of token requests; without it each is sent once. */
  readonly retry?: RetryPolicy
}

/** Checks whether both halves of the client credentials are set. */
export function hasClientCredentials(oauth: OAuthSettings | undefined) {
  return oauth?.clientId !== undefined && oauth.clientSecret !== undefined
}

/**
 * Creates the `oauth-client-credentials` provider, after checking that
 * the client ID, the secret and a token endpoint or issuer are set.
 */
export function createOAuthProvider(
  oauth: OAuthSettings | undefined,
  mask: MaskSecret,
  context: ProviderContext
): OAuthClientCredentials {
  const grant = readGrant(oauth ?? { clientAuth: 'basic' })
  return new OAuthClientCredentials(grant, { ...context, mask })
}

/** Reads the grant's settings, requiring an ID, a secret and an endpoint. */
export function readGrant(oauth: OAuthSettings): ClientCredentialsGrant {
  const clientId = requireSetting('client-id', oauth.clientId)
  const clientSecret = requireSetting('client-secret', oauth.clientSecret)
  const { tokenEndpoint, issuer } = oauth
  const endpoint = tokenEndpoint
    ? { tokenEndpoint }
    : issuer
      ? { issuer }
      : undefined
  if (endpoint === undefined) {
    throw configError(
      'input `token-endpoint`',
      'auth-mode is oauth-client-credentials but neither ' +
        '`token-endpoint` nor `oauth-issuer` is set',
      "Set `token-endpoint` to the provider's token URL, or " +
        '`oauth-issuer` to its issuer URL.'
    )
  }
  return {
    endpoint,
    clientId,
    clientSecret,
    clientAuth: oauth.clientAuth,
    ...(oauth.scope ? { scope: oauth.scope } : {}),
    ...(oauth.audience ? { audience: oauth.audience } : {}),
    ...(oauth.resource ? { resource: oauth.resource } : {})
  }
}

function requireSetting(
  name: 'client-id' | 'client-secret',
  value: string | undefined
): string {
  if (value !== undefined) return value
  throw configError(
    `input \`${name}\``,
    `auth-mode is oauth-client-credentials but no ${name} is set`,
    `Set \`${name}\`, for example from a repository or organization secret.`
  )
}
