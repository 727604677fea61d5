import type { AuthSettings } from '../config/config.js'
import type { OAuthSettings } from '../config/oauth-settings.js'
import type { MaskSecret } from '../config/secrets.js'
import { configError } from '../diagnosis/diagnosis.js'
import { checkIdTokenAvailable } from './github-id-token.js'
import { GitHubOidc } from './github-oidc.js'
import type { ProviderContext } from './oauth-mode.js'
import type { ClientCredentialsGrant } from './token-endpoint.js'

/**
 * Creates the `github-oidc` provider. Every check here runs before any
 * request: the runner's ID token variables, and the token endpoint and
 * client ID that an exchange needs.
 */
export function createGitHubOidcProvider(
  auth: AuthSettings,
  mask: MaskSecret,
  context: ProviderContext
): GitHubOidc {
  checkIdTokenAvailable(context.env ?? process.env)
  const exchange = auth.oidc?.exchange ?? 'token-exchange'
  const audience = auth.oidc?.audience
  const grant =
    exchange === 'id-token' ? undefined : readExchangeGrant(auth.oauth)
  return new GitHubOidc(
    {
      exchange,
      ...(audience ? { audience } : {}),
      ...(grant ? { grant } : {})
    },
    { ...context, mask }
  )
}

function readExchangeGrant(
  oauth: OAuthSettings | undefined
): ClientCredentialsGrant {
  const endpoint = oauth?.tokenEndpoint
    ? { tokenEndpoint: oauth.tokenEndpoint }
    : oauth?.issuer
      ? { issuer: oauth.issuer }
      : undefined
  if (endpoint === undefined || oauth?.clientId === undefined) {
    const missing = endpoint ? 'client-id' : 'token-endpoint'
    throw configError(
      `input \`${missing}\``,
      `oidc-exchange exchanges the ID token at a token endpoint, but no ` +
        `${missing} is set`,
      'Set `token-endpoint` (or `oauth-issuer`) and `client-id` as the ' +
        'provider registered them, or use `oidc-exchange: id-token`.'
    )
  }
  return {
    endpoint,
    clientId: oauth.clientId,
    clientAuth: oauth.clientAuth,
    ...(oauth.clientSecret ? { clientSecret: oauth.clientSecret } : {}),
    ...(oauth.scope ? { scope: oauth.scope } : {}),
    ...(oauth.audience ? { audience: oauth.audience } : {}),
    ...(oauth.resource ? { resource: oauth.resource } : {})
  }
}
