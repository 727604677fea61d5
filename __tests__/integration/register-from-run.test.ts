import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  adminApi,
  createTarget,
  getModelVersion,
  leakedSecrets,
  listVersionNumbers,
  logRuns,
  predictWithMlflow,
  runAction,
  targetInputs,
  type ActionRun,
  type LoggedRuns,
  type Target
} from '../support/registration.js'
import { testServers, uniqueModelName } from '../support/servers.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const ARTIFACT_PATH = 'model'

interface LoggedModelTags {
  model: { info: { tags?: { key: string; value: string }[] } }
}

describe.each(['plain', 'basicAuth'] as const)(
  'registration from a run on the %s server',
  serverName => {
    let target: Target
    let runs: LoggedRuns
    // The logged model, registered once with an alias for the tests below.
    let loggedModel: ActionRun

    function register(source: string, extra: Record<string, string> = {}) {
      return runAction({
        ...targetInputs(target),
        'model-name': uniqueModelName('from-run'),
        source,
        ...extra
      })
    }

    beforeAll(async () => {
      target = await createTarget(serverName)
      runs = await logRuns(target.server, ARTIFACT_PATH, target.user)
      loggedModel = await register(
        `runs:/${runs.loggedModelRunId}/${ARTIFACT_PATH}`,
        { aliases: 'champion' }
      )
    })

    it('logged model registers as its models:/ URI', async () => {
      const { host, result } = loggedModel

      expect(result.outcome).toBe('registered')
      const name = host.outputs.get('model-name') ?? ''
      const version = await getModelVersion(serverName, name, '1')
      expect(version.source).toBe(`models:/${runs.modelId}`)
      expect(version.run_id).toBe(runs.loggedModelRunId)
      expect(leakedSecrets(host, [], target.user)).toEqual([])
    })

    it('logged model lists the version it was sent with', async () => {
      // MLflow 3.17 keeps no model_id on the version itself; the server
      // records a create request's model_id on the logged model instead.
      const name = loggedModel.host.outputs.get('model-name') ?? ''
      const response = await adminApi<LoggedModelTags>(
        serverName,
        'GET',
        `logged-models/${runs.modelId}`
      )
      const tag = response.model.info.tags?.find(
        t => t.key === 'mlflow.modelVersions'
      )
      const linked = JSON.parse(tag?.value ?? '[]') as unknown[]
      expect(linked).toContainEqual({ name, version: 1 })
    })

    it('logged model loads and predicts in MLflow', async () => {
      const name = loggedModel.host.outputs.get('model-name') ?? ''
      const prediction = await predictWithMlflow(
        target.server,
        `models:/${name}@champion`,
        target.user
      )
      expect(prediction).toMatch(/^-?\d+(\.\d+)?(e[+-]?\d+)?$/)
    })

    it('run artifacts register as the artifact URI', async () => {
      const source = `runs:/${runs.artifactsRunId}/${ARTIFACT_PATH}`
      const { host, result } = await register(source)

      expect(result.outcome).toBe('registered')
      const response = await adminApi<{
        run: { info: { artifact_uri: string } }
      }>(serverName, 'GET', 'runs/get', {
        query: { run_id: runs.artifactsRunId }
      })
      const name = host.outputs.get('model-name') ?? ''
      const version = await getModelVersion(serverName, name, '1')
      expect(version.source).toBe(
        `${response.run.info.artifact_uri}/${ARTIFACT_PATH}`
      )
      expect(version.run_id).toBe(runs.artifactsRunId)
      expect(leakedSecrets(host, [], target.user)).toEqual([])
    })

    it('models:/ source registers with its run', async () => {
      const { host, result } = await register(`models:/${runs.modelId}`)

      expect(result.outcome).toBe('registered')
      const name = host.outputs.get('model-name') ?? ''
      const version = await getModelVersion(serverName, name, '1')
      expect(version.source).toBe(`models:/${runs.modelId}`)
      expect(version.run_id).toBe(runs.loggedModelRunId)
    })

    // MLflow's basic-auth app answers an unknown logged model with 403.
    const unknownModelCode =
      serverName === 'plain' ? 'SOURCE_NOT_FOUND' : 'FORBIDDEN_PERMISSION'

    it(`unknown logged model fails as ${unknownModelCode}`, async () => {
      const source = `models:/m-${'0'.repeat(32)}`
      const { host, result } = await register(source)

      expect(result.outcome).toBe('failed')
      expect(host.outputs.get('diagnosis')).toBe(unknownModelCode)
      expect(result.diagnosis?.detail).toContain(`m-${'0'.repeat(32)}`)
      const name = host.outputs.get('model-name') ?? ''
      expect(await listVersionNumbers(serverName, name)).toEqual([])
    })

    it('path with no model fails as SOURCE_NOT_FOUND', async () => {
      const source = `runs:/${runs.loggedModelRunId}/no-such-model`
      const { host, result } = await register(source)

      expect(result.outcome).toBe('failed')
      expect(host.outputs.get('diagnosis')).toBe('SOURCE_NOT_FOUND')
      const name = host.outputs.get('model-name') ?? ''
      expect(await listVersionNumbers(serverName, name)).toEqual([])
      expect(leakedSecrets(host, [], target.user)).toEqual([])
    })
  }
)

describe('registration from an unknown run', () => {
  // The basic-auth app of MLflow 3.17 returns 403 for a run that does not
  // exist, to users who are not admins, so only the plain server can show
  // that the run is missing.
  it('unknown run fails as SOURCE_NOT_FOUND', async () => {
    const { host, result } = await runAction({
      'tracking-uri': testServers().plain.url,
      'model-name': uniqueModelName('from-run'),
      source: `runs:/${'0'.repeat(32)}/${ARTIFACT_PATH}`
    })

    expect(result.outcome).toBe('failed')
    expect(host.outputs.get('diagnosis')).toBe('SOURCE_NOT_FOUND')
    const name = host.outputs.get('model-name') ?? ''
    expect(await listVersionNumbers('plain', name)).toEqual([])
  })
})

describe('run with two logged models of one name', () => {
  let runId: string
  let modelIds: string[]
  let run: ActionRun

  // MLflow's REST API creates the run and both logged models, the way
  // two `log_model(name="model")` calls in one run leave them.
  beforeAll(async () => {
    const target = await createTarget('plain')
    const experiment = await adminApi<{ experiment_id: string }>(
      'plain',
      'POST',
      'experiments/create',
      { body: { name: uniqueModelName('two-models') } }
    )
    const experimentId = experiment.experiment_id
    const created = await adminApi<{ run: { info: { run_id: string } } }>(
      'plain',
      'POST',
      'runs/create',
      { body: { experiment_id: experimentId } }
    )
    runId = created.run.info.run_id
    modelIds = []
    for (let i = 0; i < 2; i++) {
      const logged = await adminApi<{ model: { info: { model_id: string } } }>(
        'plain',
        'POST',
        'logged-models',
        {
          body: {
            experiment_id: experimentId,
            name: ARTIFACT_PATH,
            source_run_id: runId
          }
        }
      )
      modelIds.push(logged.model.info.model_id)
    }
    run = await runAction({
      ...targetInputs(target),
      'model-name': uniqueModelName('two-models'),
      source: `runs:/${runId}/${ARTIFACT_PATH}`
    })
  })

  it('registration is CLIENT_CONFIG', () => {
    expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
    expect(run.result.outcome).toBe('failed')
  })

  it('message lists both logged models', () => {
    const detail = run.result.diagnosis?.detail ?? ''
    expect(detail).toContain(`run ${runId} has 2 logged models`)
    for (const modelId of modelIds) expect(detail).toContain(modelId)
  })

  it('creates no version', async () => {
    const name = run.host.outputs.get('model-name') ?? ''
    expect(await listVersionNumbers('plain', name)).toEqual([])
  })
})
