/**
 * An OAuth-protected MLflow for the tests: the `oidc-provider` test
 * provider, and an MLflow basic-auth server whose authorization function
 * (__tests__/fixtures/jwt_auth.py) accepts the provider's JWT access
 * tokens and maps their `sub` to an MLflow user. Each test file starts
 * its own stack and stops it when it ends.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import path from 'node:path'

import {
  ADMIN,
  createUser,
  startMlflowServer,
  stopMlflowServer,
  type MlflowServer
} from '../../scripts/mlflow/servers.mjs'
import {
  startOAuthProvider,
  type OAuthTestClient,
  type OAuthTestProvider
} from './oauth-provider.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const STATE_ROOT = path.join(ROOT, '.test-state')

/** The API identifier that access tokens are issued for (their `aud`). */
export const AUDIENCE = 'urn:mlflow-register:tests'

/** A client that authenticates with an HTTP Basic header. */
export const BASIC_CLIENT: OAuthTestClient = {
  clientId: 'ci-bot-oauth',
  // Characters that form-encoding and percent-encoding change, so every
  // form of the secret differs.
  clientSecret: 'client s3cret/basic+for=tests%'
}

/** A client that sends its secret in the form body. */
export const POST_CLIENT: OAuthTestClient = {
  clientId: 'ci-bot-oauth-post',
  clientSecret: 'client-secret-post-for-tests',
  authMethod: 'client_secret_post'
}

/** A running provider and the MLflow server that trusts it. */
export interface OAuthStack {
  readonly provider: OAuthTestProvider
  readonly mlflow: MlflowServer
  readonly admin: { readonly username: string; readonly password: string }
  stop(): Promise<void>
}

/**
 * Starts the provider, then MLflow pointed at its JWKS, and creates an
 * MLflow user for each client, named by its client ID.
 */
export async function startOAuthStack(
  accessTokenTtlSeconds = 5
): Promise<OAuthStack> {
  const provider = await startOAuthProvider({
    clients: [BASIC_CLIENT, POST_CLIENT],
    audience: AUDIENCE,
    accessTokenTtlSeconds
  })
  let server: JwtMlflow
  try {
    server = await startJwtMlflow({
      jwksUri: provider.jwksUri,
      issuer: provider.issuer,
      audience: AUDIENCE,
      users: [BASIC_CLIENT.clientId, POST_CLIENT.clientId]
    })
  } catch (error) {
    await provider.stop()
    throw error
  }
  return {
    provider,
    mlflow: server.mlflow,
    admin: ADMIN,
    stop: async () => {
      await server.stop()
      await provider.stop()
    }
  }
}

/** An MLflow server that accepts JWTs from one issuer. */
export interface JwtMlflow {
  readonly mlflow: MlflowServer
  stop(): Promise<void>
}

/**
 * Starts MLflow with the JWT authorization function, trusting one
 * issuer's JWKS for one audience, and creates a user for each subject.
 */
export async function startJwtMlflow(options: {
  readonly jwksUri: string
  readonly issuer: string
  readonly audience: string
  readonly users: readonly string[]
  /** The port to listen on, such as one a registration was deferred for. */
  readonly port?: number
}): Promise<JwtMlflow> {
  mkdirSync(STATE_ROOT, { recursive: true })
  const stateDir = mkdtempSync(path.join(STATE_ROOT, 'jwt-'))
  const mlflow = await startMlflowServer({
    name: 'jwt-auth',
    stateDir,
    basicAuth: true,
    authorizationFunction: 'jwt_auth:authenticate_request_jwt',
    ...(options.port === undefined ? {} : { port: options.port }),
    env: {
      PYTHONPATH: path.join(ROOT, '__tests__/fixtures'),
      JWT_AUTH_JWKS_URI: options.jwksUri,
      JWT_AUTH_ISSUER: options.issuer,
      JWT_AUTH_AUDIENCE: options.audience
    }
  })
  const stop = async () => {
    await stopMlflowServer(mlflow)
    rmSync(stateDir, { recursive: true, force: true })
  }
  try {
    for (const user of options.users) {
      await createUser(mlflow, user, `pw-${user}-for-tests`)
    }
  } catch (error) {
    await stop()
    throw error
  }
  return { mlflow, stop }
}

/** Builds the inputs that register on the stack as a client. */
export function oauthInputs(
  stack: OAuthStack,
  client: OAuthTestClient = BASIC_CLIENT
): Record<string, string> {
  return {
    'tracking-uri': stack.mlflow.url,
    'token-endpoint': stack.provider.tokenEndpoint,
    'client-id': client.clientId,
    'client-secret': client.clientSecret,
    resource: AUDIENCE
  }
}
