import { BasicAuth } from '../auth/basic.js'
import { createDatabricksProvider } from '../auth/databricks.js'
import { NoAuth } from '../auth/none.js'
import type { ProviderContext } from '../auth/oauth-mode.js'
import type { AuthProvider } from '../auth/provider.js'
import type { RegistryTarget } from '../config/registry-uri.js'
import type { MaskSecret } from '../config/secrets.js'
import { describeUrl } from './url.js'
import { HttpClient, type HttpClientOptions } from './transport.js'

/** The registry server's client, and a log line about it. */
export interface RegistryClient {
  readonly client: HttpClient
  /** The log line that names the credentials the registry server gets. */
  readonly credentials: string
}

/**
 * Builds the client of a separate registry server. The tracking server's
 * credentials and extra headers go to it only when it shares the
 * tracking server's origin, the rule the HTTP client also applies to
 * redirects. A registry on another origin gets the Basic credentials of
 * its own URI's user info, or none, so a token meant for one server
 * never reaches another.
 */
export function createRegistryClient(
  registry: RegistryTarget,
  tracking: HttpClientOptions,
  mask: MaskSecret
): RegistryClient | undefined {
  if (registry.kind !== 'server') return undefined
  const { url } = registry
  let auth: AuthProvider = tracking.auth
  let credentials = 'the same credentials as the tracking server'
  if (registry.username !== undefined) {
    auth = new BasicAuth(registry.username, registry.password ?? '', mask)
    credentials = `Basic credentials of '${registry.username}' from its URI`
  } else if (!registry.sameOrigin) {
    auth = new NoAuth()
    credentials =
      'no credentials, because it is not the origin of the tracking server'
  }
  const sameOrigin = registry.sameOrigin && registry.username === undefined
  const client = new HttpClient({
    ...tracking,
    baseUrl: url,
    auth,
    extraHeaders: sameOrigin ? (tracking.extraHeaders ?? []) : []
  })
  return {
    client,
    credentials: `Registry server: ${describeUrl(url)} (${credentials})`
  }
}

/**
 * Creates the auth provider of a Databricks registry whose workspace is
 * not the tracking server, or returns undefined for any other registry.
 */
export function createWorkspaceAuth(
  registry: RegistryTarget,
  mask: MaskSecret,
  context: ProviderContext
): AuthProvider | undefined {
  if (registry.kind !== 'unity-catalog' && registry.kind !== 'workspace') {
    return undefined
  }
  if (registry.workspace === undefined) return undefined
  return createDatabricksProvider(registry.workspace, mask, context)
}

/**
 * Builds the client of a Databricks registry on a workspace that is not
 * the tracking server. It sends the workspace's credentials and none of
 * the tracking server's: neither its auth nor its extra headers.
 */
export function createWorkspaceRegistryClient(
  registry: RegistryTarget,
  tracking: HttpClientOptions,
  workspaceAuth: AuthProvider | undefined
): RegistryClient | undefined {
  if (registry.kind !== 'unity-catalog' && registry.kind !== 'workspace') {
    return undefined
  }
  if (registry.workspace === undefined || workspaceAuth === undefined) {
    return undefined
  }
  const unityCatalog = registry.kind === 'unity-catalog'
  // NOTE: the dispatcher, and with it the tracking server's TLS settings
  // (`ca-cert`, `client-cert`), is shared with the workspace.
  const client = new HttpClient({
    ...tracking,
    baseUrl: registry.workspace.host,
    auth: workspaceAuth,
    extraHeaders: [],
    unityCatalog
  })
  const name = unityCatalog ? 'Unity Catalog' : 'the model registry'
  return {
    client,
    credentials:
      `Registry: ${name} of the workspace ` +
      `${describeUrl(registry.workspace.host)}, with the workspace's ` +
      "credentials and none of the tracking server's"
  }
}

/**
 * Creates a client whose registry calls go to the Unity Catalog endpoints
 * of the tracking server's Databricks workspace. `tracking` has no
 * registry client of its own.
 */
export function createUnityCatalogClient(
  tracking: HttpClientOptions
): HttpClient {
  const unityCatalog = new HttpClient({ ...tracking, unityCatalog: true })
  return new HttpClient({ ...tracking, registry: unityCatalog })
}
