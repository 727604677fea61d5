import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  createTarget,
  createUniqueUser,
  grantModelPermission,
  grantPermission,
  leakedSecrets,
  listVersionNumbers,
  runAction,
  targetInputs,
  type ActionRun,
  type Target
} from '../support/registration.js'
import {
  asAdmin,
  mlflowApi,
  testServers,
  uniqueModelName
} from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

/** Returns the error annotation of a failed run. */
function errorMessage(run: ActionRun): string {
  return run.host.lines.find(line => line.level === 'error')?.message ?? ''
}

describe('basic auth', () => {
  let target: Target

  beforeAll(async () => {
    target = await createTarget('basicAuth')
  })

  function registration(overrides: Record<string, string>) {
    return runAction({
      ...targetInputs(target),
      'model-name': uniqueModelName('basic-auth'),
      'model-path': 'examples/model',
      ...overrides
    })
  }

  it('right password registers', async () => {
    const run = await registration({})

    expect(run.result.outcome).toBe('registered')
    expect(run.host.outputs.get('auth-mode')).toBe('basic')
    expect(run.host.secrets).toContain(target.user?.password)
    expect(leakedSecrets(run.host, [], target.user)).toEqual([])
  })

  it('wrong password is AUTH_REJECTED naming the user', async () => {
    const username = target.user?.username ?? ''
    const wrong = { username, password: 'wrong-password-for-tests' }
    const run = await registration(wrong)

    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_REJECTED')
    expect(errorMessage(run)).toContain(`user '${username}'`)
    expect(run.host.failure).toMatch(/^AUTH_REJECTED/)
    expect(leakedSecrets(run.host, [], wrong)).toEqual([])
  })

  it('bearer token is AUTH_REJECTED asking for Basic', async () => {
    const token = 'bearer-token-for-tests-0123456789'
    const run = await runAction({
      'tracking-uri': target.server.url,
      'model-name': uniqueModelName('basic-auth'),
      'model-path': 'examples/model',
      token
    })

    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_REJECTED')
    expect(run.host.outputs.get('auth-mode')).toBe('bearer')
    expect(errorMessage(run)).toContain('asked for Basic credentials')
    expect(leakedSecrets(run.host, [token])).toEqual([])
  })

  it('no credentials is AUTH_MISSING', async () => {
    const run = await runAction({
      'tracking-uri': target.server.url,
      'model-name': uniqueModelName('basic-auth'),
      'model-path': 'examples/model'
    })

    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_MISSING')
    expect(run.result.diagnosis?.evidence.status).toBe(401)
    expect(errorMessage(run)).toContain('sent no credentials')
  })
})

describe('basic auth without EDIT on the model', () => {
  let target: Target
  let modelName: string
  let denied: ActionRun

  // A second user creates the model and so owns it. Every other user has
  // only READ on it, the server's default permission.
  beforeAll(async () => {
    target = await createTarget('basicAuth')
    const owner = await createUniqueUser('owner')
    modelName = uniqueModelName('owned')
    await mlflowApi(
      testServers().basicAuth,
      'POST',
      'registered-models/create',
      { body: { name: modelName }, auth: owner }
    )
    denied = await register()
  })

  function register(): Promise<ActionRun> {
    return runAction({
      ...targetInputs(target),
      'model-name': modelName,
      'model-path': 'examples/model'
    })
  }

  it('registration is FORBIDDEN_PERMISSION', () => {
    expect(denied.host.outputs.get('diagnosis')).toBe('FORBIDDEN_PERMISSION')
  })

  it('message names the user, model and operation', () => {
    const message = errorMessage(denied)
    expect(message).toContain(`user '${target.user?.username ?? ''}'`)
    expect(message).toContain(`registered model '${modelName}'`)
    expect(message).toContain('create model version')
  })

  it('denied registration creates no version', async () => {
    expect(await listVersionNumbers('basicAuth', modelName)).toEqual([])
  })

  it('denied run shows no secret', () => {
    expect(leakedSecrets(denied.host, [], target.user)).toEqual([])
  })

  it('summary lists write permission unverified', () => {
    const row = denied.host.summary
      .split('\n')
      .find(line => line.startsWith('| Not verified |'))
    expect(row).toContain(`write permission on registered model '${modelName}'`)
    expect(denied.host.summary).toContain('credentials accepted for reading')
  })

  it('log lists write permission unverified', () => {
    expect(denied.host.logText()).toContain(
      `Not verified: write permission on registered model '${modelName}'`
    )
  })

  it('registration succeeds after an EDIT grant', async () => {
    await grantModelPermission(target.user?.username ?? '', modelName, 'EDIT')
    const granted = await register()

    expect(granted.result.outcome).toBe('registered')
    expect(await listVersionNumbers('basicAuth', modelName)).toEqual(['1'])
    expect(leakedSecrets(granted.host, [], target.user)).toEqual([])
    expect(granted.host.summary).not.toContain('| Not verified |')
    expect(granted.host.summary).toContain(
      `write permission on registered model '${modelName}' (the server ` +
        'accepted the new version)'
    )
  })
})

describe('artifact upload denied after run writes', () => {
  let target: Target
  let modelName: string
  let experimentId: string
  let denied: ActionRun

  // The admin creates an experiment with a custom artifact location and
  // grants the user EDIT on it. Run writes pass that grant, but MLflow
  // 3.17.2's auth app cannot map `custom-.../<run>/artifacts` to the
  // experiment, so the upload gets the default permission, READ.
  beforeAll(async () => {
    target = await createTarget('basicAuth')
    const experimentName = uniqueModelName('custom-location')
    const created = await asAdmin<{ experiment_id: string }>(
      'POST',
      'experiments/create',
      {
        body: {
          name: experimentName,
          artifact_location: `mlflow-artifacts:/${experimentName}`
        }
      }
    )
    experimentId = created.experiment_id
    await grantPermission(
      target.user?.username ?? '',
      'experiment',
      experimentId,
      'EDIT'
    )
    modelName = uniqueModelName('artifact-denied')
    denied = await runAction({
      ...targetInputs(target),
      'experiment-name': experimentName,
      'model-name': modelName,
      'model-path': 'examples/model'
    })
  })

  it('upload refusal is FORBIDDEN_PERMISSION', () => {
    expect(denied.host.outputs.get('diagnosis')).toBe('FORBIDDEN_PERMISSION')
    expect(denied.result.diagnosis?.evidence.responder).toBe(
      "MLflow's basic-auth app"
    )
  })

  it('message names user, experiment and path', () => {
    const message = errorMessage(denied)
    expect(message).toContain(`user '${target.user?.username ?? ''}'`)
    expect(message).toContain(`experiment ${experimentId}`)
    expect(message).toContain('custom artifact location')
    expect(message).toContain('denied the artifact upload')
  })

  it('creates no registered model or version', async () => {
    const found = await asAdmin<{ registered_models?: unknown[] }>(
      'GET',
      'registered-models/search',
      { query: { filter: `name = '${modelName}'` } }
    )
    expect(found.registered_models ?? []).toEqual([])
  })

  it('marks the run it created FAILED', async () => {
    const runs = await asAdmin<{ runs?: { info: { status: string } }[] }>(
      'POST',
      'runs/search',
      { body: { experiment_ids: [experimentId] } }
    )
    expect(runs.runs?.map(run => run.info.status)).toEqual(['FAILED'])
  })

  it('is neither retried nor deferred', () => {
    expect(denied.result.outcome).toBe('failed')
    const text = denied.host.lines.map(line => line.message).join('\n')
    expect(text).not.toMatch(/Retrying/)
  })
})

describe('source run in an experiment the user cannot read', () => {
  let target: Target
  let modelName: string
  let runId: string
  let denied: ActionRun

  // The admin creates a run in an experiment and denies the user that
  // experiment, which the default READ permission would otherwise cover.
  beforeAll(async () => {
    target = await createTarget('basicAuth')
    const experiment = await asAdmin<{ experiment_id: string }>(
      'POST',
      'experiments/create',
      { body: { name: uniqueModelName('unreadable-runs') } }
    )
    const created = await asAdmin<{ run: { info: { run_id: string } } }>(
      'POST',
      'runs/create',
      { body: { experiment_id: experiment.experiment_id } }
    )
    runId = created.run.info.run_id
    await grantPermission(
      target.user?.username ?? '',
      'experiment',
      experiment.experiment_id,
      'DENY'
    )
    modelName = uniqueModelName('unreadable-source')
    denied = await runAction({
      ...targetInputs(target),
      'model-name': modelName,
      source: `runs:/${runId}/model`,
      aliases: 'champion'
    })
  })

  it('fails as FORBIDDEN_PERMISSION', () => {
    expect(denied.result.diagnosis?.code).toBe('FORBIDDEN_PERMISSION')
    expect(denied.result.diagnosis?.evidence.responder).toBe(
      "MLflow's basic-auth app"
    )
  })

  it('message names user and run', () => {
    const message = errorMessage(denied)

    expect(message).toContain(`user '${target.user?.username ?? ''}'`)
    expect(message).toContain(runId)
  })

  it('creates no registered model', async () => {
    await expect(
      asAdmin('GET', 'registered-models/get', { query: { name: modelName } })
    ).rejects.toThrow('404')
  })

  it('is neither retried nor deferred', () => {
    expect(denied.result.outcome).toBe('failed')
    expect(denied.result.bundle).toBeUndefined()
    expect(denied.host.logText()).not.toContain('Retrying')
  })
})
