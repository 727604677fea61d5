import type { AuthSettings } from '../config/config.js'
import type { OAuthSettings } from '../config/oauth-settings.js'
import type { MaskSecret } from '../config/secrets.js'
import { configError } from '../diagnosis/diagnosis.js'
import {
  AZURE_EXCHANGE,
  azureTokenEndpoint,
  type AzureSettings
} from '../config/azure-settings.js'
import { DEFAULT_OIDC_EXCHANGE } from '../config/oidc-settings.js'
import type { DatabricksSettings } from '../config/databricks-settings.js'
import {
  DATABRICKS_SCOPE,
  DATABRICKS_TOKEN_TYPES,
  databricksTokenEndpoint
} from './databricks.js'
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
  if (auth.azure) return createAzurePreset(auth.azure, auth, mask, context)
  const exchange = auth.oidc?.exchange ?? DEFAULT_OIDC_EXCHANGE
  const audience = auth.oidc?.audience
  const grant =
    exchange === 'id-token'
      ? undefined
      : auth.databricks
        ? readDatabricksExchange(auth.databricks, auth.oauth)
        : readExchangeGrant(auth.oauth)
  return new GitHubOidc(
    {
      exchange,
      ...(audience ? { audience } : {}),
      ...(grant ? { grant } : {})
    },
    { ...context, mask }
  )
}

/**
 * Creates the Azure preset: the ID token, for the audience that Entra
 * federated credentials expect by default, is the client assertion of
 * the app in the client credentials grant at the tenant's token
 * endpoint, for an Azure Resource Manager token. The configuration has
 * already rejected any other `oidc-exchange`.
 */
function createAzurePreset(
  azure: AzureSettings,
  auth: AuthSettings,
  mask: MaskSecret,
  context: ProviderContext
): GitHubOidc {
  const clientId = azure.clientId ?? auth.oauth?.clientId
  if (clientId === undefined) {
    throw configError(
      'input `azure-client-id`',
      'github-oidc signs in to Entra ID as an app, but no azure-client-id ' +
        'is set',
      'Set `azure-client-id` (or AZURE_CLIENT_ID) to the client ID of the ' +
        'app registration or managed identity with the federated credential.'
    )
  }
  const grant: ClientCredentialsGrant = {
    endpoint: { tokenEndpoint: azureTokenEndpoint(azure) },
    clientId,
    clientAuth: 'post',
    scope: auth.oauth?.scope ?? AZURE_SCOPE
  }
  return new GitHubOidc(
    {
      exchange: AZURE_EXCHANGE,
      audience: auth.oidc?.audience ?? AZURE_AUDIENCE,
      grant
    },
    { ...context, mask }
  )
}

/** The audience Entra federated credentials accept by default. */
const AZURE_AUDIENCE = 'api://AzureADTokenExchange'

/** The scope of Azure Resource Manager tokens, which Azure ML accepts. */
const AZURE_SCOPE = 'https://management.azure.com/.default'

/**
 * Builds the Databricks preset: the ID token is exchanged at the
 * workspace's token endpoint for the service principal whose federation
 * policy trusts it, with the `all-apis` scope.
 */
function readDatabricksExchange(
  databricks: DatabricksSettings,
  oauth: OAuthSettings | undefined
): ClientCredentialsGrant {
  const clientId = databricks.clientId ?? oauth?.clientId
  if (clientId === undefined) {
    throw configError(
      'input `databricks-client-id`',
      'github-oidc exchanges the ID token for a Databricks service ' +
        "principal's token, but no databricks-client-id is set",
      "Set `databricks-client-id` to the service principal's " +
        'application ID.'
    )
  }
  return {
    endpoint: { tokenEndpoint: databricksTokenEndpoint(databricks.host) },
    clientId,
    clientAuth: 'post',
    scope: oauth?.scope ?? DATABRICKS_SCOPE,
    tokenTypes: DATABRICKS_TOKEN_TYPES
  }
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
