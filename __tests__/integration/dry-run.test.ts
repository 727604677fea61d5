import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  NEW_VERSION,
  toPlannedCall,
  type PlannedCall
} from '../../src/register/planned-call.js'
import { composeRegistration } from '../support/recording-http.js'
import {
  adminApi,
  githubEnv,
  runAction,
  uniqueRunId,
  type ActionRun
} from '../support/registration.js'
import { testServers, uniqueModelName } from '../support/servers.js'

jest.setTimeout(180_000)

const server = () => testServers().plain

/** Counts the registered models and versions that carry this name. */
async function countWrites(modelName: string): Promise<number> {
  const filter = `name = '${modelName}'`
  const models = await adminApi<{ registered_models?: unknown[] }>(
    'plain',
    'GET',
    'registered-models/search',
    { query: { filter } }
  )
  const versions = await adminApi<{ model_versions?: unknown[] }>(
    'plain',
    'GET',
    'model-versions/search',
    { query: { filter } }
  )
  return (
    (models.registered_models ?? []).length +
    (versions.model_versions ?? []).length
  )
}

/**
 * Registers for real and returns the version and the writes it sent, as
 * planned calls; searches are reads sent as POST.
 */
async function registerForReal(
  inputs: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv
): Promise<{ version: string; writes: PlannedCall[] }> {
  const steps = composeRegistration(inputs, env)
  let version: string
  try {
    version = (await steps.register()).version.version
  } finally {
    await steps.close()
  }
  const writes = steps.http.requests
    .filter(request => request.method !== 'GET')
    .filter(request => !request.path.endsWith('/search'))
    .map(request => toPlannedCall(request, new URL(server().url)))
  return { version, writes }
}

function plannedCalls(run: ActionRun): PlannedCall[] {
  return JSON.parse(
    run.host.outputs.get('planned-calls') ?? '[]'
  ) as PlannedCall[]
}

describe('dry run of a runs:/ source', () => {
  const modelName = uniqueModelName('dry-run')
  const env = githubEnv(uniqueRunId())
  let inputs: Record<string, string>
  let dryRun: ActionRun
  let writtenAfterDryRun: number

  beforeAll(async () => {
    // A real upload gives a run whose artifacts hold the model.
    const upload = await runAction({
      'tracking-uri': server().url,
      'model-name': uniqueModelName('dry-run-source'),
      'model-path': 'examples/model',
      'experiment-name': uniqueModelName('dry-run')
    })
    const source = upload.result.version?.source ?? ''
    const runId = upload.result.version?.run_id ?? ''
    expect(source).not.toBe('')
    inputs = {
      'tracking-uri': server().url,
      'model-name': modelName,
      source: `runs:/${runId}/model`,
      description: 'planned first',
      tags: 'team=risk',
      aliases: 'champion'
    }
    dryRun = await runAction({ ...inputs, 'dry-run': 'true' }, env)
    writtenAfterDryRun = await countWrites(modelName)
  })

  it('ends with outcome dry-run', () => {
    expect(dryRun.result.outcome).toBe('dry-run')
    expect(dryRun.host.failure).toBeUndefined()
  })

  it('writes nothing to the server', () => {
    expect(writtenAfterDryRun).toBe(0)
  })

  it('plans model, version and alias', () => {
    expect(plannedCalls(dryRun).map(call => call.operation)).toEqual([
      'create registered model',
      'create model version',
      'set alias'
    ])
  })

  it('plans the alias at the new version', () => {
    expect(plannedCalls(dryRun)[2]?.body).toEqual({
      name: modelName,
      alias: 'champion',
      version: NEW_VERSION
    })
  })

  it('matches the writes of a real run', async () => {
    const { version, writes } = await registerForReal(inputs, env)
    const planned = JSON.parse(
      JSON.stringify(plannedCalls(dryRun)).replaceAll(NEW_VERSION, version)
    ) as PlannedCall[]
    expect(writes).toEqual(planned)
  })

  it('plans reuse after the real run', async () => {
    const again = await runAction({ ...inputs, 'dry-run': 'true' }, env)
    expect(again.result.plan?.reusedVersion).toBe('1')
    expect(plannedCalls(again)).toEqual([
      expect.objectContaining({
        operation: 'set alias',
        body: { name: modelName, alias: 'champion', version: '1' }
      })
    ])
  })
})

describe('dry run of a model directory', () => {
  const modelName = uniqueModelName('dry-run-upload')
  const experiment = uniqueModelName('dry-run-upload')
  let dryRun: ActionRun

  beforeAll(async () => {
    dryRun = await runAction({
      'tracking-uri': server().url,
      'model-name': modelName,
      'model-path': 'examples/model',
      'experiment-name': experiment,
      'dry-run': 'true'
    })
  })

  it('plans the upload before the version', () => {
    const operations = plannedCalls(dryRun).map(call => call.operation)
    expect(operations[0]).toBe('create experiment')
    expect(operations[1]).toBe('create run')
    expect(operations).toContain('upload artifact')
    expect(operations.slice(-3)).toEqual([
      'end run',
      'create registered model',
      'create model version'
    ])
  })

  it('creates no experiment and no model', async () => {
    await expect(
      adminApi('plain', 'GET', 'experiments/get-by-name', {
        query: { experiment_name: experiment }
      })
    ).rejects.toThrow(/404/)
    expect(await countWrites(modelName)).toBe(0)
  })
})

// A forced upload without signing hashes the files as it sends them, so
// it tags its run with the model digest after them. An upload that is
// not forced tags its run with its upload key.
describe.each(['true', 'false'])(
  'dry run of a model directory with force-new-version %s',
  force => {
    const modelName = uniqueModelName('dry-run-forced')
    const env = githubEnv(uniqueRunId())
    const inputs = {
      'tracking-uri': server().url,
      'model-name': modelName,
      'model-path': 'examples/model',
      'experiment-name': uniqueModelName('dry-run-forced'),
      'force-new-version': force
    }
    let dryRun: ActionRun

    beforeAll(async () => {
      dryRun = await runAction({ ...inputs, 'dry-run': 'true' }, env)
    })

    it('matches the writes of a real run', async () => {
      const { writes } = await registerForReal(inputs, env)
      expect(comparable(writes)).toEqual(comparable(plannedCalls(dryRun)))
    })
  }
)

/**
 * Returns what a plan and a real run share: each write's operation, with
 * the keys of the tags a run gets, as ids, times and paths differ.
 */
function comparable(calls: readonly PlannedCall[]): string[] {
  return calls.map(call => {
    const body = call.body as
      { key?: string; tags?: { key: string }[] } | undefined
    const keys = [
      ...(body?.tags ?? []).map(tag => tag.key),
      ...(body?.key ? [body.key] : [])
    ]
    return [call.operation, ...keys.sort()].join(' ')
  })
}
