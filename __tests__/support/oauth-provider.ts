/**
 * A real OAuth 2.0 authorization server for the tests: `oidc-provider`
 * on 127.0.0.1, issuing JWT access tokens for the client credentials
 * grant, with a short lifetime so that refreshes happen within a test.
 */
import {
  createPublicKey,
  generateKeyPairSync,
  verify,
  type JsonWebKey
} from 'node:crypto'
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

/**
 * Federation of GitHub ID tokens for RFC 8693 token exchange: a public
 * client per entry, which may exchange ID tokens of one subject only.
 */
export interface TokenExchangePolicy {
  /** The JWKS and `iss` of the trusted ID tokens. */
  readonly jwksUri: string
  readonly issuer: string
  /** The subject each client may exchange, by client ID. */
  readonly subjects: Readonly<Record<string, string>>
}

/** Settings of one provider. */
export interface OAuthProviderOptions {
  readonly clients: readonly OAuthTestClient[]
  readonly tokenExchange?: TokenExchangePolicy
  /** The resource indicator, also the `aud` of every access token. */
  readonly audience: string
  /** The access token lifetime, in seconds. */
  readonly accessTokenTtlSeconds: number
  /** The token endpoint's path; `/token` unless set. */
  readonly tokenPath?: string
  /** The one scope clients may request; `mlflow` unless set. */
  readonly scope?: string
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
  const tokenPath = options.tokenPath ?? '/token'
  if (options.tokenExchange) {
    registerTokenExchange(provider, options, options.tokenExchange)
  }

  const issuedTokens: string[] = []
  const tokenErrors: string[] = []
  provider.use(async (ctx, next) => {
    await next()
    if (ctx.path !== tokenPath) return
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
    tokenEndpoint: `${issuer}${tokenPath}`,
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
  const resourceServer = resourceServerInfo(options)
  const exchangeClients = Object.keys(options.tokenExchange?.subjects ?? {})
  const scope = options.scope ?? 'mlflow'
  return new Provider(issuer, {
    clients: [
      ...options.clients.map(client => clientMetadata(client, scope)),
      ...exchangeClients.map(client => exchangeClientMetadata(client, scope))
    ],
    routes: { token: options.tokenPath ?? '/token' },
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
    scopes: [scope]
  })
}

function clientMetadata(
  client: OAuthTestClient,
  scope: string
): ClientMetadata {
  return {
    client_id: client.clientId,
    client_secret: client.clientSecret,
    grant_types: ['client_credentials'],
    response_types: [],
    redirect_uris: [],
    scope,
    token_endpoint_auth_method: client.authMethod ?? 'client_secret_basic'
  }
}

function exchangeClientMetadata(
  clientId: string,
  scope: string
): ClientMetadata {
  return {
    client_id: clientId,
    grant_types: [TOKEN_EXCHANGE],
    response_types: [],
    redirect_uris: [],
    scope,
    token_endpoint_auth_method: 'none'
  }
}

const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange'

/**
 * Adds the token exchange grant: the subject token must be an unexpired
 * RS256 JWT from the trusted issuer whose `sub` the client's policy
 * names. Its audience is not checked. The response is a JWT access
 * token for the API, as for client credentials.
 */
function registerTokenExchange(
  provider: Provider,
  options: OAuthProviderOptions,
  policy: TokenExchangePolicy
): void {
  const info = resourceServerInfo(options)
  provider.registerGrantType(
    TOKEN_EXCHANGE,
    async ctx => {
      const client = ctx.oidc.client
      const param = ctx.oidc.params.subject_token
      const subjectToken = typeof param === 'string' ? param : ''
      const claims = await verifyJwt(subjectToken, policy)
      const allowed = policy.subjects[client.clientId]
      if (claims?.sub === undefined || claims.sub !== allowed) {
        throw new errors.InvalidGrant(
          'no federated credential matches the subject'
        )
      }
      const token = new provider.ClientCredentials({
        client,
        scope: options.scope ?? 'mlflow'
      })
      token.resourceServer = new provider.ResourceServer(options.audience, info)
      const value = await token.save()
      ctx.body = {
        access_token: value,
        issued_token_type: 'urn:ietf:params:oauth:token-type:access_token',
        token_type: 'Bearer',
        expires_in: token.expiration
      }
    },
    ['subject_token', 'subject_token_type', 'requested_token_type']
  )
}

function resourceServerInfo(options: OAuthProviderOptions) {
  return {
    audience: options.audience,
    scope: options.scope ?? 'mlflow',
    accessTokenTTL: options.accessTokenTtlSeconds,
    accessTokenFormat: 'jwt' as const,
    jwt: { sign: { alg: 'RS256' as const } }
  }
}

/** Verifies an RS256 JWT against a JWKS; returns its claims or nothing. */
async function verifyJwt(
  token: string,
  policy: TokenExchangePolicy
): Promise<{ sub?: string } | undefined> {
  const [header = '', payload = '', signature = ''] = token.split('.')
  const response = await fetch(policy.jwksUri)
  const { keys } = (await response.json()) as { keys: JsonWebKey[] }
  const decode = (part: string) =>
    JSON.parse(Buffer.from(part, 'base64url').toString()) as Record<
      string,
      unknown
    >
  const valid = keys.some(jwk =>
    verify(
      'RSA-SHA256',
      Buffer.from(`${header}.${payload}`),
      createPublicKey({ key: jwk, format: 'jwk' }),
      Buffer.from(signature, 'base64url')
    )
  )
  if (!valid) return undefined
  const claims = decode(payload)
  const expired = Number(claims.exp) * 1000 < Date.now()
  if (claims.iss !== policy.issuer || expired) return undefined
  return typeof claims.sub === 'string' ? { sub: claims.sub } : {}
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
