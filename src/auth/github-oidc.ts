import { maskSecret, type MaskSecret } from '../config/secrets.js'
import type { OidcExchange } from '../config/oidc-settings.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { RetryPolicy } from '../http/retry.js'
import {
  readClaims,
  requestIdToken,
  type IdTokenClaims
} from './github-id-token.js'
import { maskClientSecret } from './oauth-client-credentials.js'
import type { AuthProvider, Credential } from './provider.js'
import { TokenCache, type IssuedToken } from './token-cache.js'
import type { ClientCredentialsGrant } from './token-endpoint.js'
import { TokenEndpoint } from './token-endpoint.js'
import { tokenRetry } from './token-retry.js'

/** Settings of the keyless mode. */
export interface GitHubOidcSettings {
  readonly audience?: string
  readonly exchange: OidcExchange
  /** The token endpoint for `token-exchange` and `client-assertion`. */
  readonly grant?: ClientCredentialsGrant
}

/** Options of the provider besides its settings. */
export interface GitHubOidcOptions {
  readonly mask: MaskSecret
  readonly log: Logger
  readonly timeoutMs: number
  /** The retries of token requests; without it each is sent once. */
  readonly retry?: RetryPolicy
  readonly now: () => number
}

/** OAuth error codes with which a relying party rejects the ID token. */
const REJECTIONS = new Set([
  'invalid_grant',
  'invalid_client',
  'unauthorized_client',
  'access_denied',
  'invalid_target'
])

/**
 * Keyless authentication: the job's GitHub ID token, exchanged at a
 * token endpoint or sent as it is. No secret is stored anywhere.
 */
export class GitHubOidc implements AuthProvider {
  readonly mode = 'github-oidc'
  readonly credential: Credential
  readonly #settings: GitHubOidcSettings
  readonly #options: GitHubOidcOptions
  readonly #endpoint: TokenEndpoint | undefined
  readonly #cache: TokenCache

  constructor(settings: GitHubOidcSettings, options: GitHubOidcOptions) {
    this.#settings = settings
    this.#options = options
    if (settings.grant) maskClientSecret(settings.grant, options.mask)
    this.#endpoint = settings.grant
      ? new TokenEndpoint(
          settings.grant,
          options.timeoutMs,
          tokenRetry(options)
        )
      : undefined
    this.credential =
      settings.grant && this.#endpoint
        ? {
            kind: 'oauth',
            clientId: settings.grant.clientId,
            provider: this.#endpoint.host
          }
        : { kind: 'token', header: 'Authorization', scheme: 'Bearer' }
    this.#cache = new TokenCache({
      now: options.now,
      marginMs: 30_000,
      request: () => this.#requestToken()
    })
  }

  async authorize(headers: Record<string, string>): Promise<void> {
    headers.authorization = `Bearer ${await this.#cache.get()}`
  }

  async refresh(rejected: string | undefined): Promise<void> {
    await this.#cache.refresh(rejected?.replace(/^Bearer /, ''))
  }

  async #requestToken(): Promise<IssuedToken> {
    const { mask, log, now } = this.#options
    const idToken = await requestIdToken(this.#settings.audience)
    maskSecret(mask, idToken)
    const claims = readClaims(idToken)
    // The claims are not secret, and they are what a federation policy
    // matches, so they are logged; the token itself never is.
    log.info(
      `GitHub ID token: iss ${claims.iss}, sub ${claims.sub}, ` +
        `aud ${claims.aud}`
    )
    const token = await this.#exchange(idToken, claims)
    maskSecret(mask, token.accessToken)
    if (token.accessToken !== idToken) {
      log.info(`Exchanged the ID token at ${this.#endpoint?.host ?? ''}`)
    }
    return token.expiresInMs === undefined && claims.exp !== undefined
      ? { ...token, expiresInMs: claims.exp * 1000 - now() }
      : token
  }

  async #exchange(
    idToken: string,
    claims: IdTokenClaims
  ): Promise<IssuedToken> {
    const { exchange } = this.#settings
    const endpoint = this.#endpoint
    if (exchange === 'id-token' || endpoint === undefined) {
      return { accessToken: idToken }
    }
    // NOTE: client-assertion is tested against a loopback stand-in of
    // Entra ID's token endpoint, not against a real provider.
    try {
      return exchange === 'client-assertion'
        ? await endpoint.requestToken(idToken)
        : await endpoint.exchangeToken(idToken)
    } catch (error) {
      throw asRejection(error, claims, endpoint.host)
    }
  }
}

/**
 * Turns a refusal of the ID token into AUTH_REJECTED that shows the
 * claims the job presented, which the federation policy must match.
 */
function asRejection(
  error: unknown,
  claims: IdTokenClaims,
  host: string
): unknown {
  if (!(error instanceof DiagnosedError)) return error
  const code = error.diagnosis.evidence.oauthError
  if (code === undefined || !REJECTIONS.has(code)) return error
  return new DiagnosedError(
    diagnose(
      'AUTH_REJECTED',
      `${host} rejected the GitHub ID token with ${code}. The job ` +
        `presented subject '${claims.sub}', audience '${claims.aud}' and ` +
        `issuer '${claims.iss}'. ${error.diagnosis.detail}`,
      "Make the provider's federation policy (trusted issuer, subject " +
        'and audience) match these claims, or set `oidc-audience` to the ' +
        'audience it expects. The subject depends on the branch, ' +
        'environment or event of the job.',
      error.diagnosis.evidence
    ),
    { cause: error }
  )
}
