/**
 * A real OAuth 2.0 authorization server for the tests: `oidc-provider`
 * on 127.0.0.1, issuing JWT access tokens for the client credentials
 * grant, with a short lifetime so that refreshes happen within a test.
 */
import { generateKeyPairSync } from 'node:crypto'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import Provider, { errors, type ClientMetadata, type JWK } from 'oidc-provider'

/** A client registered at the provider. */
export interface OAuthTestClient {
  readonly clientId: string
  readonly clientSecret: string
  /** `client_secret_basic` unless set. */
  readonly authMethod?: 'client_secret_basic' | 'client_secret_post'
}

/** Settings of one provider. */
export interface OAuthProviderOptions {
  readonly clients: readonly OAuthTestClient[]
  /** The resource indicator, also the `aud` of every access token. */
  readonly audience: string
  /** The access token lifetime, in seconds. */
  readonly accessTokenTtlSeconds: number
}

/** A running provider and what it issued. */
export interface OAuthTestProvider {
  readonly issuer: string
  readonly tokenEndpoint: string
  readonly jwksUri: string
  readonly audience: string
  /** Every access token issued, oldest first. */
  readonly issuedTokens: string[]
  /** The OAuth `error` of every rejected token request, oldest first. */
  readonly tokenErrors: string[]
  stop(): Promise<void>
}

/** Starts a provider on a free loopback port. */
export async function startOAuthProvider(
  options: OAuthProviderOptions
): Promise<OAuthTestProvider> {
  const server = createServer()
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const issuer = `http://127.0.0.1:${port}`
  const provider = createProvider(issuer, options)

  const issuedTokens: string[] = []
  const tokenErrors: string[] = []
  provider.use(async (ctx, next) => {
    await next()
    if (ctx.path !== '/token') return
    const body = ctx.body as { access_token?: string; error?: string }
    if (body.access_token) issuedTokens.push(body.access_token)
    if (body.error) tokenErrors.push(body.error)
  })
  const callback = provider.callback()
  server.on('request', (request, response) => {
    void callback(request, response)
  })

  return {
    issuer,
    tokenEndpoint: `${issuer}/token`,
    jwksUri: `${issuer}/jwks`,
    audience: options.audience,
    issuedTokens,
    tokenErrors,
    stop: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

function createProvider(
  issuer: string,
  options: OAuthProviderOptions
): Provider {
  const resourceServer = {
    audience: options.audience,
    scope: 'mlflow',
    accessTokenTTL: options.accessTokenTtlSeconds,
    accessTokenFormat: 'jwt' as const,
    jwt: { sign: { alg: 'RS256' as const } }
  }
  return new Provider(issuer, {
    clients: options.clients.map(clientMetadata),
    jwks: { keys: [signingKey()] },
    features: {
      clientCredentials: { enabled: true },
      devInteractions: { enabled: false },
      resourceIndicators: {
        enabled: true,
        // A request without `resource` gets a token for the one API.
        defaultResource: () => options.audience,
        useGrantedResource: () => true,
        getResourceServerInfo: (_ctx, indicator) => {
          if (indicator !== options.audience) {
            throw new errors.InvalidTarget()
          }
          return resourceServer
        }
      }
    },
    scopes: ['mlflow']
  })
}

function clientMetadata(client: OAuthTestClient): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope: 'mlflow',
    token_endpoint_auth_method: client.authMethod ?? 'client_secret_basic'
  }
}

/** Creates a fresh RSA key, so no key is committed to the repository. */
function signingKey(): JWK {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  return {
    ...privateKey.export({ format: 'jwk' }),
    kid: 'test-key',
    use: 'sig',
    alg: 'RS256'
  }
}
