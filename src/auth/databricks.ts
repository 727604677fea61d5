import type { DatabricksSettings } from '../config/databricks-settings.js'
import type { MaskSecret } from '../config/secrets.js'
import { configError } from '../diagnosis/diagnosis.js'
import { BearerAuth } from './bearer.js'
import { OAuthClientCredentials } from './oauth-client-credentials.js'
import type { ProviderContext } from './oauth-mode.js'
import type { AuthProvider, Credential } from './provider.js'
import type { ClientCredentialsGrant } from './token-endpoint.js'

/** The scope of workspace OAuth tokens that may call every REST API. */
export const DATABRICKS_SCOPE = 'all-apis'

/**
 * The token types of Databricks OAuth token federation: a JWT subject
 * token and no `requested_token_type`, as the Databricks SDK for Python
 * sends them (`databricks/sdk/oidc.py`).
 */
export const DATABRICKS_TOKEN_TYPES = {
  subject: 'urn:ietf:params:oauth:token-type:jwt'
} as const

/** Returns the workspace's OAuth token endpoint, `<host>/oidc/v1/token`. */
export function databricksTokenEndpoint(host: URL): URL {
  return new URL(`${host.href.replace(/\/+$/, '')}/oidc/v1/token`)
}

/**
 * The `databricks` auth mode: a personal access token sent as a Bearer
 * token, or an OAuth machine-to-machine token of a service principal
 * from the workspace's token endpoint, cached and refreshed.
 */
export class DatabricksAuth implements AuthProvider {
  readonly mode = 'databricks'
  readonly credential: Credential
  readonly #inner: BearerAuth | OAuthClientCredentials

  constructor(inner: BearerAuth | OAuthClientCredentials) {
    this.#inner = inner
    this.credential = inner.credential
  }

  authorize(headers: Record<string, string>): Promise<void> {
    return this.#inner.authorize(headers)
  }

  async refresh(rejected: string | undefined): Promise<void> {
    if (this.#inner instanceof OAuthClientCredentials) {
      await this.#inner.refresh(rejected)
    }
  }
}

/**
 * Creates the `databricks` provider. A personal access token is used
 * when set, else the service principal's client credentials.
 */
export function createDatabricksProvider(
  settings: DatabricksSettings | undefined,
  mask: MaskSecret,
  context: ProviderContext
): DatabricksAuth {
  if (settings === undefined) {
    throw configError(
      'input `tracking-uri`',
      'auth-mode is databricks but the tracking URI is not `databricks`',
      'Set `tracking-uri` to `databricks` and `databricks-host` to the ' +
        'workspace URL.'
    )
  }
  if (settings.token !== undefined) {
    return new DatabricksAuth(new BearerAuth(settings.token, 'Authorization'))
  }
  const grant = readDatabricksGrant(settings)
  return new DatabricksAuth(
    new OAuthClientCredentials(grant, { ...context, mask })
  )
}

function readDatabricksGrant(
  settings: DatabricksSettings
): ClientCredentialsGrant {
  const { clientId, clientSecret } = settings
  if (clientId === undefined || clientSecret === undefined) {
    const missing =
      clientId === undefined && clientSecret === undefined
        ? 'databricks-token'
        : clientId === undefined
          ? 'databricks-client-id'
          : 'databricks-client-secret'
    throw configError(
      `input \`${missing}\``,
      'the workspace needs a personal access token or the client ID and ' +
        `secret of a service principal, but no ${missing} is set`,
      'Set `databricks-token` (DATABRICKS_TOKEN), or ' +
        '`databricks-client-id` and `databricks-client-secret` ' +
        '(DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET), or use ' +
        '`auth-mode: github-oidc` with a federation policy.'
    )
  }
  return {
    endpoint: { tokenEndpoint: databricksTokenEndpoint(settings.host) },
    clientId,
    clientSecret,
    clientAuth: 'basic',
    scope: DATABRICKS_SCOPE
  }
}
