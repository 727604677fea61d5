import { randomBytes } from 'node:crypto'

import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import { runAction, type ActionResult } from '../support/run-action.js'
import { expectSecretsMasked } from '../support/secret-scan.js'
import { asAdmin, testServers, uniqueModelName } from '../support/servers.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

interface Credentials {
  readonly username: string
  readonly password: string
}

interface RestModelVersion {
  readonly version: string
  readonly status: string
  readonly tags?: readonly { key: string; value: string }[]
}

let userCounter = 0

/**
 * Creates a user whose password needs percent-encoding, so that the raw,
 * percent-encoded and base64 forms all differ.
 */
async function createUser(): Promise<Credentials> {
  userCounter++
  const username = `e2e-bot-${process.pid}-${userCounter}`
  const password = `p@ss w/rd+%=${randomBytes(8).toString('hex')}`
  await asAdmin('POST', 'users/create', { body: { username, password } })
  return { username, password }
}

async function listVersions(model: string): Promise<RestModelVersion[]> {
  const response = await asAdmin<{ model_versions?: RestModelVersion[] }>(
    'GET',
    'model-versions/search',
    { query: { filter: `name = '${model}'` } }
  )
  return response.model_versions ?? []
}

function errorAnnotations(result: ActionResult) {
  return result.annotations.filter(a => a.level === 'error')
}

describe('action on the basic-auth server', () => {
  const server = testServers().basicAuth
  // Other users get only READ on an experiment they did not create, so
  // the default experiment may belong to another test's user.
  const experiment = uniqueModelName('e2e-basic-experiment')
  let user: Credentials

  beforeAll(async () => {
    user = await createUser()
  })

  function registerStep(model: string): Record<string, string> {
    return {
      'tracking-uri': server.url,
      'model-name': model,
      'model-path': 'examples/model',
      'experiment-name': experiment
    }
  }

  function withUser(model: string): Record<string, string> {
    return { ...registerStep(model), ...user }
  }

  describe('registration', () => {
    const model = uniqueModelName('e2e-basic')
    let result: ActionResult

    beforeAll(async () => {
      result = await runAction({ inputs: withUser(model) })
    })

    it('masks every form of the credentials', () => {
      expectSecretsMasked(result, { basic: user })
    })

    it('exits with code 0', () => {
      expect(result.exitCode).toBe(0)
    })

    it('sets every output', () => {
      expect(result.outputs).toEqual({
        outcome: 'registered',
        'model-name': model,
        'model-version': '1',
        'model-uri': `models:/${model}/1`,
        'model-url': `${server.url}/#/models/${model}/versions/1`,
        'auth-mode': 'basic',
        comparison: '',
        diagnosis: '',
        'bundle-path': '',
        'bundle-artifact': '',
        'bundle-key': '',
        'sync-report': '',
        'planned-calls': '',
        'report-path': '',
        'attestation-url': '',
        'model-digest': expect.stringMatching(/^[0-9a-f]{64}$/)
      })
    })

    it('prints no annotations', () => {
      expect(result.annotations).toEqual([])
    })

    it('summarises the new version', () => {
      const url = `${server.url}/#/models/${model}/versions/1`
      expect(result.summary).toContain('MLflow register: registered')
      expect(result.summary).toContain(`| Registered model | ${model} |`)
      expect(result.summary).toContain(`| Version | [1](${url}) |`)
      expect(result.summary).toContain('| Auth mode | basic |')
    })

    it('leaves a READY version on the server', async () => {
      const versions = await listVersions(model)
      expect(versions.map(v => [v.version, v.status])).toEqual([['1', 'READY']])
    })

    it('tags the version with the workflow run', async () => {
      const [version] = await listVersions(model)
      const keys = (version?.tags ?? []).map(tag => tag.key)
      expect(keys).toContain('ci.run_id')
    })
  })

  it('re-run attempt reuses the version', async () => {
    const model = uniqueModelName('e2e-rerun')
    const run = { GITHUB_RUN_ID: '4200000001' }
    const first = await runAction({
      inputs: withUser(model),
      env: { ...run, GITHUB_RUN_ATTEMPT: '1' }
    })
    const second = await runAction({
      inputs: withUser(model),
      env: { ...run, GITHUB_RUN_ATTEMPT: '2' }
    })

    expectSecretsMasked(first, { basic: user })
    expectSecretsMasked(second, { basic: user })
    expect(first.outputs.outcome).toBe('registered')
    expect(second.exitCode).toBe(0)
    expect(second.outputs.outcome).toBe('reused')
    expect(second.outputs['model-version']).toBe('1')
    expect((await listVersions(model)).length).toBe(1)
  })

  it('reads credentials from MLFLOW_TRACKING_* variables', async () => {
    const model = uniqueModelName('e2e-env')
    const result = await runAction({
      inputs: registerStep(model),
      env: {
        MLFLOW_TRACKING_USERNAME: user.username,
        MLFLOW_TRACKING_PASSWORD: user.password
      }
    })

    expectSecretsMasked(result, { basic: user })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.outcome).toBe('registered')
    expect(result.outputs['auth-mode']).toBe('basic')
    expect(result.summary).toContain('password from MLFLOW_TRACKING_PASSWORD')
  })

  it('reads credentials from the tracking URI', async () => {
    const model = uniqueModelName('e2e-userinfo')
    const userinfo =
      `${encodeURIComponent(user.username)}:` +
      encodeURIComponent(user.password)
    const trackingUri = server.url.replace('://', `://${userinfo}@`)
    const result = await runAction({
      inputs: { ...registerStep(model), 'tracking-uri': trackingUri }
    })

    expectSecretsMasked(result, { basic: user })
    expect(result.exitCode).toBe(0)
    expect(result.outputs.outcome).toBe('registered')
    expect(result.outputs['model-url']).toBe(
      `${server.url}/#/models/${model}/versions/1`
    )
  })

  describe('wrong password', () => {
    const model = uniqueModelName('e2e-wrong')
    let wrong: Credentials
    let result: ActionResult

    beforeAll(async () => {
      wrong = { ...user, password: `${user.password}-wrong` }
      result = await runAction({
        inputs: { ...registerStep(model), ...wrong }
      })
    })

    it('masks every form of the credentials', () => {
      expectSecretsMasked(result, { basic: wrong })
    })

    it('exits with code 1', () => {
      expect(result.exitCode).toBe(1)
    })

    it('sets diagnosis AUTH_REJECTED', () => {
      expect(result.outputs.diagnosis).toBe('AUTH_REJECTED')
    })

    it('sets outcome failed', () => {
      expect(result.outputs.outcome).toBe('failed')
    })

    it('prints one error annotation with a title', () => {
      expect(errorAnnotations(result).map(a => a.title)).toEqual([
        'AUTH_REJECTED: The server rejected the credentials'
      ])
    })

    it('names the user in the error', () => {
      const [error] = errorAnnotations(result)
      expect(error?.message).toContain(`'${user.username}'`)
    })

    it('writes the diagnosis to the summary', () => {
      expect(result.summary).toContain('MLflow register: failed')
      expect(result.summary).toContain('`AUTH_REJECTED`')
      expect(result.summary).toContain('**Fix:**')
    })

    it('registers nothing', async () => {
      expect(await listVersions(model)).toEqual([])
    })
  })

  describe('bearer token', () => {
    const token = `mlflow-token-${randomBytes(12).toString('hex')}`
    let result: ActionResult

    beforeAll(async () => {
      result = await runAction({
        inputs: { ...registerStep(uniqueModelName('e2e-bearer')), token }
      })
    })

    it('masks every form of the token', () => {
      expectSecretsMasked(result, { values: [token] })
    })

    it('exits with code 1', () => {
      expect(result.exitCode).toBe(1)
    })

    it('sends the token as bearer', () => {
      expect(result.outputs['auth-mode']).toBe('bearer')
    })

    it('sets diagnosis AUTH_REJECTED', () => {
      expect(result.outputs.diagnosis).toBe('AUTH_REJECTED')
    })

    it('prints one error annotation with a title', () => {
      expect(errorAnnotations(result).map(a => a.title)).toEqual([
        'AUTH_REJECTED: The server rejected the credentials'
      ])
    })
  })
})
