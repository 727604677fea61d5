import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import type { MetricGate } from '../../src/config/metric-gates.js'
import type { ReleaseComparison } from '../../src/release/release.js'
import { composeRegistration } from '../support/recording-http.js'
import { githubEnv, logRuns, type LoggedRuns } from '../support/registration.js'
import { testServers, uniqueModelName } from '../support/servers.js'

jest.setTimeout(180_000)

const ACCURACY_GATE: MetricGate = {
  text: 'accuracy >= 0.9',
  metric: 'accuracy',
  operator: '>=',
  threshold: { kind: 'number', value: 0.9 }
}

/**
 * The requests of one registration, against the real MLflow server. The
 * source's listing goes out with the preflight's read of the registered
 * model, so those two come first in either order. A first release without
 * a gate compares nothing, so its source is only listed. Otherwise the
 * release comparison reuses the reads made while resolving the source,
 * and the alias list from the preflight's read of the registered model.
 */
describe('requests per registration', () => {
  let runs: LoggedRuns
  const opened: (() => Promise<void>)[] = []

  beforeAll(async () => {
    runs = await logRuns(testServers().plain, 'model')
    // A metric for the gate below to read.
    const response = await fetch(
      `${testServers().plain.url}/api/2.0/mlflow/runs/log-metric`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          run_id: runs.artifactsRunId,
          key: 'accuracy',
          value: 0.93,
          timestamp: Date.now(),
          step: 0
        })
      }
    )
    expect(response.status).toBe(200)
  })

  afterAll(async () => {
    await Promise.all(opened.map(close => close()))
  })

  async function register(
    modelName: string,
    source: string,
    inputs: Record<string, string> = {}
  ): Promise<{
    operations: string[]
    timeline: string[]
    comparison: ReleaseComparison
  }> {
    const steps = composeRegistration(
      {
        'tracking-uri': testServers().plain.url,
        'model-name': modelName,
        source,
        aliases: 'champion',
        ...inputs
      },
      githubEnv()
    )
    opened.push(steps.close)
    const registration = await steps.register()
    expect(registration.outcome).toBe('registered')
    const comparison = steps.progress.comparison
    if (!comparison) throw new Error('the registration compared nothing')
    return {
      operations: steps.http.requests.map(request => request.operation),
      timeline: steps.http.timeline,
      comparison
    }
  }

  async function comparisonOf(
    modelName: string,
    version: string
  ): Promise<ReleaseComparison> {
    // A fresh composition reads everything itself, so its comparison is
    // the reference for what the reused reads must produce. Its gate
    // makes even a first release read the run and MLmodel.
    const { compareRelease } = await import('../../src/release/release.js')
    const steps = composeRegistration({
      'tracking-uri': testServers().plain.url,
      'model-name': modelName,
      source: 'runs:/unused/model'
    })
    opened.push(steps.close)
    const { getModelVersion } = await import('../../src/mlflow/registry.js')
    const model = await getModelVersion(steps.http, modelName, version)
    return compareRelease(
      steps.http,
      model,
      'unset-alias',
      [ACCURACY_GATE],
      steps.host.log
    )
  }

  it('makes five for a new model from run artifacts', async () => {
    const modelName = uniqueModelName('requests')
    const source = `runs:/${runs.artifactsRunId}/model`
    const { operations, timeline } = await register(modelName, source)
    expect(startAndRest(operations)).toEqual([
      ['get registered model', 'list run artifacts'],
      ['create registered model', 'create model version', 'set alias']
    ])
    // Both were sent before either ended.
    expect(timeline.slice(0, 2).sort()).toEqual([
      'sent get registered model',
      'sent list run artifacts'
    ])
  })

  it('registers the source that a full read resolves', async () => {
    const modelName = uniqueModelName('requests')
    const source = `runs:/${runs.artifactsRunId}/model`
    const { comparison } = await register(modelName, source)
    const reference = await comparisonOf(modelName, '1')
    expect(comparison.candidate.source).toBe(reference.candidate.source)
    expect(comparison.candidate.source).toMatch(
      new RegExp(
        `^mlflow-artifacts:/.*/${runs.artifactsRunId}/artifacts/model$`
      )
    )
    // Nothing to compare with, so the run and MLmodel stay unread.
    expect(comparison.candidate.flavors).toBeUndefined()
    expect(reference.candidate.flavors).toContain('python_function')
  })

  it('reads the run and MLmodel for a gate', async () => {
    const modelName = uniqueModelName('requests')
    const source = `runs:/${runs.artifactsRunId}/model`
    const { operations, comparison } = await register(modelName, source, {
      'require-metric': ACCURACY_GATE.text
    })
    // The listing names the run's artifact directory, so the run and
    // MLmodel are read together, in either order.
    const [start, rest] = startAndRest(operations)
    expect(start).toEqual(['get registered model', 'list run artifacts'])
    expect(rest.slice(0, 2).sort()).toEqual(['download artifact', 'get run'])
    expect(rest.slice(2)).toEqual([
      'create registered model',
      'create model version',
      'set alias'
    ])
    const reference = await comparisonOf(modelName, '1')
    expect(comparison.candidate).toEqual(reference.candidate)
    expect(comparison.metrics).toEqual(reference.metrics)
    expect(comparison.gates[0]?.passed).toBe(true)
  })

  it('finds the logged model of a runs:/ name of MLflow 3', async () => {
    const modelName = uniqueModelName('requests')
    const source = `runs:/${runs.loggedModelRunId}/model`
    const { operations } = await register(modelName, source)
    expect(startAndRest(operations)).toEqual([
      ['get registered model', 'list run artifacts'],
      [
        'get run',
        'search logged models',
        'create registered model',
        'create model version',
        'set alias'
      ]
    ])
  })

  it('reads the version an alias points to before moving it', async () => {
    const modelName = uniqueModelName('requests')
    const source = `runs:/${runs.artifactsRunId}/model`
    await register(modelName, source)
    const { operations, comparison } = await register(modelName, source)
    expect(comparison.baseline?.version).toBe('1')
    // One search reads the newest versions: none carries this run's key,
    // and the alias's version comes from it. The new version's run and
    // MLmodel, and then the baseline's, are read together, in either
    // order.
    const [start, rest] = startAndRest(operations)
    expect(start).toEqual(['get registered model', 'list run artifacts'])
    const pair = ['download artifact', 'get run']
    expect(rest[0]).toBe('search model versions')
    expect(rest.slice(1, 3).sort()).toEqual(pair)
    expect(rest[3]).toBe('create model version')
    expect(rest.slice(4, 6).sort()).toEqual(pair)
    expect(rest.slice(6)).toEqual(['set alias'])
  })
})

/**
 * Splits the operations into the two sent together at the start, sorted,
 * and the rest in the order they were sent.
 */
function startAndRest(operations: readonly string[]): [string[], string[]] {
  return [operations.slice(0, 2).sort(), operations.slice(2)]
}
