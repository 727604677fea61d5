import * as oauth from 'oauth4webapi'

import { isLoopbackHttp } from '../config/oauth-settings.js'
import type { ClientAuthMethod } from '../config/oauth-settings.js'
import type { IssuedToken } from './token-cache.js'
import { tokenRequestError, unusableTokenError } from './token-errors.js'

/** Settings of one client credentials grant: endpoint and client. */
export interface ClientCredentialsGrant {
  /** The token endpoint, or the issuer whose metadata names it. */
  readonly endpoint: { readonly tokenEndpoint: URL } | { readonly issuer: URL }
  readonly clientId: string
  readonly clientSecret: string
  readonly clientAuth: ClientAuthMethod
  readonly scope?: string
  readonly audience?: string
  readonly resource?: string
}

/**
 * A client of one token endpoint for the client credentials grant, built
 * on oauth4webapi. Each call is bounded by `timeoutMs`; the issuer's
 * metadata is read once.
 */
export class TokenEndpoint {
  readonly #grant: ClientCredentialsGrant
  readonly #timeoutMs: number
  #server: Promise<oauth.AuthorizationServer> | undefined

  constructor(grant: ClientCredentialsGrant, timeoutMs: number) {
    this.#grant = grant
    this.#timeoutMs = timeoutMs
  }

  /** The host of the token endpoint, or of the issuer before discovery. */
  get host(): string {
    const endpoint = this.#grant.endpoint
    return 'tokenEndpoint' in endpoint
      ? endpoint.tokenEndpoint.host
      : endpoint.issuer.host
  }

  /**
   * Requests an access token; failures are AUTH_REFRESH diagnoses.
   * NOTE: a failed request is not retried, even a refused connection or a
   * 503 that a second attempt might get past.
   */
  async requestToken(): Promise<IssuedToken> {
    const server = await this.#authorizationServer()
    const endpoint = new URL(server.token_endpoint ?? '')
    const grant = this.#grant
    const client: oauth.Client = { client_id: grant.clientId }
    try {
      const response = await oauth.clientCredentialsGrantRequest(
        server,
        client,
        clientAuthentication(grant),
        tokenParameters(grant),
        this.#requestOptions(endpoint)
      )
      const result = await oauth.processClientCredentialsResponse(
        server,
        client,
        response
      )
      return readToken(result, endpoint, grant.clientId)
    } catch (error) {
      throw tokenRequestError(error, {
        endpoint,
        clientId: grant.clientId,
        timeoutMs: this.#timeoutMs
      })
    }
  }

  #authorizationServer(): Promise<oauth.AuthorizationServer> {
    const endpoint = this.#grant.endpoint
    if ('tokenEndpoint' in endpoint) {
      return Promise.resolve({
        issuer: endpoint.tokenEndpoint.origin,
        token_endpoint: endpoint.tokenEndpoint.href
      })
    }
    this.#server ??= this.#discover(endpoint.issuer)
    return this.#server
  }

  async #discover(issuer: URL): Promise<oauth.AuthorizationServer> {
    try {
      const response = await oauth.discoveryRequest(issuer, {
        algorithm: 'oidc',
        ...this.#requestOptions(issuer)
      })
      const server = await oauth.processDiscoveryResponse(issuer, response)
      if (server.token_endpoint === undefined) {
        throw new oauth.OperationProcessingError(
          'the metadata names no token_endpoint'
        )
      }
      return server
    } catch (error) {
      const discovery = new URL(
        '.well-known/openid-configuration',
        issuer.href.endsWith('/') ? issuer : `${issuer.href}/`
      )
      throw tokenRequestError(error, {
        endpoint: discovery,
        clientId: this.#grant.clientId,
        timeoutMs: this.#timeoutMs,
        discovery: true
      })
    }
  }

  // oauth4webapi marks `allowInsecureRequests` deprecated so that its use
  // is conspicuous: the settings allow plain http only for a provider on the
  // loopback interface, where no network carries the secret.
  #requestOptions(url: URL): {
    signal: AbortSignal
    // eslint-disable-next-line @typescript-eslint/no-deprecated
    [oauth.allowInsecureRequests]: boolean
  } {
    return {
      signal: AbortSignal.timeout(this.#timeoutMs),
      // eslint-disable-next-line @typescript-eslint/no-deprecated
      [oauth.allowInsecureRequests]: isLoopbackHttp(url)
    }
  }
}

function clientAuthentication(grant: ClientCredentialsGrant): oauth.ClientAuth {
  return grant.clientAuth === 'post'
    ? oauth.ClientSecretPost(grant.clientSecret)
    : oauth.ClientSecretBasic(grant.clientSecret)
}

function tokenParameters(grant: ClientCredentialsGrant): URLSearchParams {
  const parameters = new URLSearchParams()
  if (grant.scope) parameters.set('scope', grant.scope)
  if (grant.audience) parameters.set('audience', grant.audience)
  if (grant.resource) parameters.set('resource', grant.resource)
  return parameters
}

function readToken(
  result: oauth.TokenEndpointResponse,
  endpoint: URL,
  clientId: string
): IssuedToken {
  // A DPoP-bound or other non-Bearer token cannot be sent as a plain
  // Bearer token, so it is refused here rather than by the server.
  if (result.token_type.toLowerCase() !== 'bearer') {
    throw unusableTokenError(endpoint, clientId, result.token_type)
  }
  return {
    accessToken: result.access_token,
    ...(result.expires_in === undefined
      ? {}
      : { expiresInMs: result.expires_in * 1000 })
  }
}
