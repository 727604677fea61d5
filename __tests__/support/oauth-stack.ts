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
  mkdirSync(STATE_ROOT, { recursive: true })
  const stateDir = mkdtempSync(path.join(STATE_ROOT, 'oauth-'))
  let mlflow: MlflowServer
  try {
    mlflow = await startMlflowServer({
      name: 'jwt-auth',
      stateDir,
      basicAuth: true,
      authorizationFunction: 'jwt_auth:authenticate_request_jwt',
      env: {
        PYTHONPATH: path.join(ROOT, '__tests__/fixtures'),
        JWT_AUTH_JWKS_URI: provider.jwksUri,
        JWT_AUTH_ISSUER: provider.issuer,
        JWT_AUTH_AUDIENCE: AUDIENCE
      }
    })
  } catch (error) {
    await provider.stop()
    throw error
  }
  for (const client of [BASIC_CLIENT, POST_CLIENT]) {
    await createUser(mlflow, client.clientId, `pw-${client.clientSecret}`)
  }
  return {
    provider,
    mlflow,
    admin: ADMIN,
    stop: async () => {
      await stopMlflowServer(mlflow)
      await provider.stop()
      rmSync(stateDir, { recursive: true, force: true })
    }
  }
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
