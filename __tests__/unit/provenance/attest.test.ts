import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, describe, expect, it, jest } from '@jest/globals'

import {
  attestModelProvenance,
  checkAttestationPermissions
} from '../../../src/provenance/attest.js'

const ID_TOKEN_ENV = {
  ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token?api-version=2.0',
  ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
}
const directory = mkdtempSync(path.join(tmpdir(), 'attest-unit-'))

afterAll(() => {
  rmSync(directory, { recursive: true, force: true })
})

/** Writes a pull_request event whose head is a fork of the base. */
function forkPullRequestEnv(): NodeJS.ProcessEnv {
  const eventPath = path.join(directory, 'event.json')
  writeFileSync(
    eventPath,
    JSON.stringify({
      pull_request: {
        head: { repo: { fork: true, full_name: 'someone/mlflow-register' } },
        base: { repo: { full_name: 'hokusai/mlflow-register' } }
      }
    })
  )
  return { GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventPath }
}

/** Runs the check and returns the error's message and code. */
function failure(env: NodeJS.ProcessEnv, githubToken: string) {
  try {
    checkAttestationPermissions(env, githubToken)
  } catch (error) {
    const diagnosed = error as Error & { diagnosis: { code: string } }
    return { message: diagnosed.message, code: diagnosed.diagnosis.code }
  }
  throw new Error('the permission check passed, but a failure was expected')
}

describe('checkAttestationPermissions', () => {
  it('passes with an ID token and a GitHub token', () => {
    expect(() => {
      checkAttestationPermissions(ID_TOKEN_ENV, 'ghs_token')
    }).not.toThrow()
  })

  it.each([
    ['no request URL', { ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token' }],
    ['no request token', { ACTIONS_ID_TOKEN_REQUEST_URL: 'http://x/token' }],
    ['neither variable', {}]
  ])('names id-token write with %s', (_case, env) => {
    const { message, code } = failure(env, 'ghs_token')
    expect(code).toBe('ATTESTATION_PERMISSION')
    expect(message).toContain('`id-token: write`')
  })

  it('explains a pull request from a fork', () => {
    const { message } = failure(forkPullRequestEnv(), 'ghs_token')
    expect(message).toContain('pull request from a fork')
  })

  it('names attestations write without a token', () => {
    const { message, code } = failure(ID_TOKEN_ENV, '')
    expect(code).toBe('ATTESTATION_PERMISSION')
    expect(message).toContain('`attestations: write`')
  })
})

describe('attestModelProvenance input', () => {
  it.each([
    ['too short', 'abc123'],
    ['uppercase', 'AB'.repeat(32)],
    ['prefixed', `sha256:${'ab'.repeat(32)}`]
  ])('rejects a digest %s', async (_case, sha256) => {
    const setSecret = jest.fn()
    const attesting = attestModelProvenance({
      modelName: 'churn',
      sha256,
      githubToken: 'ghs_token',
      env: ID_TOKEN_ENV,
      setSecret
    })
    await expect(attesting).rejects.toMatchObject({
      diagnosis: { code: 'CLIENT_CONFIG' }
    })
    expect(setSecret).not.toHaveBeenCalled()
  })
})
