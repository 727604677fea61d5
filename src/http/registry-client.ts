import { BasicAuth } from '../auth/basic.js'
import { NoAuth } from '../auth/none.js'
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
