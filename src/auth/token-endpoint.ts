import * as oauth from 'oauth4webapi'

import { isLoopbackHttp } from '../config/oauth-settings.js'
import type { ClientAuthMethod } from '../config/oauth-settings.js'
import type { IssuedToken } from './token-cache.js'
import { tokenRequestError, unusableTokenError } from './token-errors.js'
import { retryTokenRequest, type TokenRetry } from './token-retry.js'

/** Settings of one client credentials grant: endpoint and client. */
export interface ClientCredentialsGrant {
  /** The token endpoint, or the issuer whose metadata names it. */
  readonly endpoint: { readonly tokenEndpoint: URL } | { readonly issuer: URL }
  readonly clientId: string
  /** The secret; absent when the client proves itself otherwise. */
  readonly clientSecret?: string
  readonly clientAuth: ClientAuthMethod
  readonly scope?: string
  readonly audience?: string
  readonly resource?: string
  /** The token types of RFC 8693 exchanges; an ID token by default. */
  readonly tokenTypes?: ExchangeTokenTypes
}

/** The `subject_token_type` and `requested_token_type` of an exchange. */
export interface ExchangeTokenTypes {
  readonly subject: string
  /** Left out of the request when unset. */
  readonly requested?: string
}

/**
 * A client of one token endpoint for the client credentials grant, built
 * on oauth4webapi. Each call is bounded by `timeoutMs`; the issuer's
 * metadata is read once.
 */
export class TokenEndpoint {
  readonly #grant: ClientCredentialsGrant
  readonly #timeoutMs: number
  readonly #retry: TokenRetry | undefined
  #server: Promise<oauth.AuthorizationServer> | undefined

  /** Without `retry`, each token request is sent once. */
  constructor(
    grant: ClientCredentialsGrant,
    timeoutMs: number,
    retry?: TokenRetry
  ) {
    this.#grant = grant
    this.#timeoutMs = timeoutMs
    this.#retry = retry
  }

  /** The host of the token endpoint, or of the issuer before discovery. */
  get host(): string {
    const endpoint = this.#grant.endpoint
    return 'tokenEndpoint' in endpoint
      ? endpoint.tokenEndpoint.host
      : endpoint.issuer.host
  }

  /**
   * Requests an access token by the client credentials grant, with the
   * secret or, when given, a JWT client assertion (RFC 7523, 2.2).
   * Availability failures are retried; the last failure, and any
   * rejection, is an AUTH_REFRESH diagnosis.
   */
  requestToken(assertion?: string): Promise<IssuedToken> {
    return this.#grantToken(
      'client_credentials',
      tokenParameters(this.#grant),
      assertion === undefined
        ? clientAuthentication(this.#grant)
        : assertionAuthentication(assertion)
    )
  }

  /**
   * Exchanges an ID token for an access token (RFC 8693), as a client
   * with the secret when one is set, else by its client ID alone.
   */
  exchangeToken(subjectToken: string): Promise<IssuedToken> {
    const parameters = tokenParameters(this.#grant)
    const types = this.#grant.tokenTypes ?? ID_TOKEN_EXCHANGE
    parameters.set('subject_token', subjectToken)
    parameters.set('subject_token_type', types.subject)
    if (types.requested) {
      parameters.set('requested_token_type', types.requested)
    }
    return this.#grantToken(
      TOKEN_EXCHANGE,
      parameters,
      this.#grant.clientSecret === undefined
        ? oauth.None()
        : clientAuthentication(this.#grant)
    )
  }

  async #grantToken(
    grantType: string,
    parameters: URLSearchParams,
    clientAuth: oauth.ClientAuth
  ): Promise<IssuedToken> {
    const server = await this.#authorizationServer()
    const endpoint = new URL(server.token_endpoint ?? '')
    const grant = this.#grant
    const client: oauth.Client = { client_id: grant.clientId }
    const attempt = async () => {
      const response = await oauth.genericTokenEndpointRequest(
        server,
        client,
        clientAuth,
        grantType,
        parameters,
        this.#requestOptions(endpoint)
      )
      return oauth.processGenericTokenEndpointResponse(server, client, response)
    }
    try {
      const result = await retryTokenRequest(
        attempt,
        endpoint.host,
        this.#retry
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

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'
const ID_TOKEN_EXCHANGE: ExchangeTokenTypes = {
  subject: 'urn:ietf:params:oauth:token-type:id_token',
  requested: 'urn:ietf:params:oauth:token-type:access_token'
}
const JWT_BEARER_ASSERTION =
  'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'

function clientAuthentication(grant: ClientCredentialsGrant): oauth.ClientAuth {
  const secret = grant.clientSecret ?? ''
  return grant.clientAuth === 'post'
    ? oauth.ClientSecretPost(secret)
    : oauth.ClientSecretBasic(secret)
}

/** Authenticates with a ready-made JWT, such as a GitHub ID token. */
function assertionAuthentication(assertion: string): oauth.ClientAuth {
  return (_server, client, body) => {
    body.set('client_id', client.client_id)
    body.set('client_assertion_type', JWT_BEARER_ASSERTION)
    body.set('client_assertion', assertion)
  }
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
