import { randomBytes } from 'node:crypto'
import { readFile, readdir } from 'node:fs/promises'
import path from 'node:path'

import { beforeAll, describe, expect, it, jest } from '@jest/globals'

import { runAction, type ActionResult } from '../support/run-action.js'
import { expectSecretsMasked } from '../support/secret-scan.js'
import {
  mlflowApi,
  testServers,
  uniqueModelName,
  type TestServer
} from '../support/servers.js'
import { ROOT } from '../support/spawn-node.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const EXAMPLE_MODEL = path.join(ROOT, 'examples/model')

interface RestRun {
  readonly info: { readonly run_id: string; readonly artifact_uri: string }
}

interface RestModelVersion {
  readonly source: string
  readonly run_id?: string
}

/**
 * Logs a run through the REST API and uploads examples/model into its
 * `model` directory through the artifact proxy, as a training job using
 * plain HTTP would. Returns the run id.
 */
async function logRunWithModel(server: TestServer): Promise<string> {
  const { experiment_id: experimentId } = await mlflowApi<{
    experiment_id: string
  }>(server, 'POST', 'experiments/create', {
    body: { name: uniqueModelName('e2e-training') }
  })
  const { run } = await mlflowApi<{ run: RestRun }>(
    server,
    'POST',
    'runs/create',
    { body: { experiment_id: experimentId, start_time: Date.now() } }
  )

  const root = run.info.artifact_uri.replace(/^mlflow-artifacts:\//, '')
  for (const file of await readdir(EXAMPLE_MODEL)) {
    const url =
      `${server.url}/api/2.0/mlflow-artifacts/artifacts/` +
      `${root}/model/${encodeURIComponent(file)}`
    const response = await fetch(url, {
      method: 'PUT',
      body: await readFile(path.join(EXAMPLE_MODEL, file))
    })
    if (!response.ok) {
      throw new Error(`Uploading ${file} returned ${response.status}`)
    }
  }

  await mlflowApi(server, 'POST', 'runs/update', {
    body: { run_id: run.info.run_id, status: 'FINISHED' }
  })
  return run.info.run_id
}

describe('action on the plain server', () => {
  const server = testServers().plain
  const model = uniqueModelName('e2e-plain')
  // A token left in the environment by an earlier step; auth-mode none
  // must ignore it and still mask it.
  const token = `stale-token-${randomBytes(12).toString('hex')}`
  let runId: string
  let result: ActionResult

  beforeAll(async () => {
    runId = await logRunWithModel(server)
    result = await runAction({
      inputs: {
        'tracking-uri': server.url,
        'model-name': model,
        source: `runs:/${runId}/model`,
        'auth-mode': 'none'
      },
      env: { MLFLOW_TRACKING_TOKEN: token }
    })
  })

  it('masks the ignored token', () => {
    expectSecretsMasked(result, { values: [token] })
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
      'auth-mode': 'none',
      comparison: '',
      diagnosis: '',
      'bundle-path': '',
      'bundle-artifact': '',
      'bundle-key': '',
      'sync-report': '',
      'planned-calls': '',
      'report-path': '',
      'attestation-url': '',
      'model-digest': ''
    })
  })

  it('registers the run artifact directory', async () => {
    const { model_version: version } = await mlflowApi<{
      model_version: RestModelVersion
    }>(server, 'GET', 'model-versions/get', {
      query: { name: model, version: '1' }
    })
    expect(version.source).toMatch(
      new RegExp(`^mlflow-artifacts:/\\d+/${runId}/artifacts/model$`)
    )
    expect(version.run_id).toBe(runId)
  })

  it('lists the ignored token in the summary', () => {
    expect(result.summary).toContain(
      'token (from MLFLOW_TRACKING_TOKEN): auth-mode is none'
    )
  })

  it('names the source in the summary', () => {
    expect(result.summary).toMatch(
      new RegExp(`\\| Source \\| mlflow-artifacts:/\\d+/${runId}/`)
    )
  })
})
