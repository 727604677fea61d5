import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  BASIC_CLIENT,
  oauthInputs,
  startOAuthStack,
  type OAuthStack
} from '../support/oauth-stack.js'
import { runAction, type ActionResult } from '../support/run-action.js'
import { expectSecretsMasked } from '../support/secret-scan.js'
import { uniqueModelName } from '../support/servers.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(180_000)

let stack: OAuthStack

beforeAll(async () => {
  stack = await startOAuthStack(5)
})

afterAll(async () => {
  await stack.stop()
})

function registerStep(): Record<string, string> {
  return {
    ...oauthInputs(stack),
    'model-name': uniqueModelName('e2e-oauth'),
    'model-path': 'examples/model',
    'experiment-name': uniqueModelName('e2e-oauth-uploads')
  }
}

describe('action with oauth-client-credentials', () => {
  let result: ActionResult
  let tokens: string[]

  beforeAll(async () => {
    const before = stack.provider.issuedTokens.length
    result = await runAction({ inputs: registerStep() })
    tokens = stack.provider.issuedTokens.slice(before)
  })

  it('exits with code 0', () => {
    expect(result.exitCode).toBe(0)
  })

  it('reports the auth mode', () => {
    expect(result.outputs['auth-mode']).toBe('oauth-client-credentials')
    expect(result.outputs.outcome).toBe('registered')
  })

  it('masks the secret and every issued token', () => {
    expect(tokens.length).toBeGreaterThan(0)
    expectSecretsMasked(result, { values: tokens, oauthClient: BASIC_CLIENT })
  })
})

describe('action with a wrong client secret', () => {
  const wrong = { ...BASIC_CLIENT, clientSecret: 'wrong s3cret/for+tests=%' }
  let result: ActionResult

  beforeAll(async () => {
    result = await runAction({
      inputs: { ...registerStep(), 'client-secret': wrong.clientSecret }
    })
  })

  it('fails with AUTH_REFRESH', () => {
    expect(result.exitCode).toBe(1)
    expect(result.outputs.diagnosis).toBe('AUTH_REFRESH')
  })

  it('names the token endpoint host and the OAuth error', () => {
    const error = result.annotations.find(a => a.level === 'error')
    const host = new URL(stack.provider.tokenEndpoint).host

    expect(error?.title).toBe('AUTH_REFRESH: The OAuth token request failed')
    expect(error?.message).toContain(host)
    expect(error?.message).toContain('invalid_client')
  })

  it('masks every form of the wrong secret', () => {
    expectSecretsMasked(result, { oauthClient: wrong })
  })
})
