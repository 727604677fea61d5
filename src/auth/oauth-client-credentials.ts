import { maskSecret, type MaskSecret } from '../config/secrets.js'
import type { Logger } from '../host/host.js'
import type { RetryPolicy } from '../http/retry.js'
import type { AuthProvider, Credential } from './provider.js'
import { TokenCache } from './token-cache.js'
import type { IssuedToken } from './token-cache.js'
import { TokenEndpoint, type ClientCredentialsGrant } from './token-endpoint.js'
import { tokenRetry } from './token-retry.js'

/** How long before expiry an access token is replaced. */
export const REFRESH_MARGIN_MS = 30_000

/** Options of the provider besides the grant's settings. */
export interface OAuthProviderOptions {
  readonly mask: MaskSecret
  readonly log: Logger
  /** The bound on each call to the token endpoint. */
  readonly timeoutMs: number
  /** The retries of token requests; without it each is sent once. */
  readonly retry?: RetryPolicy
  readonly now: () => number
  /** The token source; the grant's token endpoint by default. */
  readonly request?: () => Promise<IssuedToken>
}

/**
 * The OAuth 2.0 client credentials grant (RFC 6749, 4.4): an access token
 * from the token endpoint, sent as a Bearer token, cached and replaced
 * 30 s before it expires or when the server rejects it.
 */
export class OAuthClientCredentials implements AuthProvider {
  readonly mode = 'oauth-client-credentials'
  readonly credential: Credential
  readonly #cache: TokenCache

  /** Masks the client secret's forms, including the Basic header's. */
  constructor(grant: ClientCredentialsGrant, options: OAuthProviderOptions) {
    maskClientSecret(grant, options.mask)
    const endpoint = new TokenEndpoint(
      grant,
      options.timeoutMs,
      tokenRetry(options)
    )
    this.credential = {
      kind: 'oauth',
      clientId: grant.clientId,
      provider: endpoint.host
    }
    const request = options.request ?? (() => endpoint.requestToken())
    this.#cache = new TokenCache({
      now: options.now,
      marginMs: REFRESH_MARGIN_MS,
      request: async () => {
        const token = await request()
        // Masked before anything can log it: the token is a credential.
        maskSecret(options.mask, token.accessToken)
        logToken(options.log, endpoint.host, grant.clientId, token)
        return token
      }
    })
  }

  async authorize(headers: Record<string, string>): Promise<void> {
    headers.authorization = `Bearer ${await this.#cache.get()}`
  }

  async refresh(rejected: string | undefined): Promise<void> {
    const token = rejected?.replace(/^Bearer /, '')
    await this.#cache.refresh(token)
  }
}

/** Masks a client secret's forms, including the client_secret_basic one. */
export function maskClientSecret(
  grant: ClientCredentialsGrant,
  mask: MaskSecret
): void {
  if (grant.clientSecret === undefined) return
  maskSecret(mask, grant.clientSecret)
  const basic = `${encode(grant.clientId)}:${encode(grant.clientSecret)}`
  mask(Buffer.from(basic).toString('base64'))
}

/**
 * Form-encodes a value for client_secret_basic (RFC 6749, 2.3.1) as
 * oauth4webapi 3.8 does: `application/x-www-form-urlencoded`, which also
 * escapes the characters `encodeURIComponent` leaves.
 */
function encode(value: string): string {
  return encodeURIComponent(value).replace(/[-_.!~*'()]|%20/g, match =>
    match === '%20' ? '+' : `%${match.charCodeAt(0).toString(16).toUpperCase()}`
  )
}

function logToken(
  log: Logger,
  host: string,
  clientId: string,
  token: IssuedToken
): void {
  const lifetime =
    token.expiresInMs === undefined
      ? 'no expiry given, so it is replaced only when rejected'
      : `valid for ${Math.round(token.expiresInMs / 1000)} s`
  log.info(
    `Obtained an OAuth access token from ${host} for client ` +
      `'${clientId}' (${lifetime})`
  )
}
