/**
 * Checks of a registered model's end state on a real MLflow server after
 * a run under faults: one version, its tags, description and alias.
 */
import { expect } from '@jest/globals'

import { mlflowApi, type TestServer } from '../../support/servers.js'

/** What a registration must have left on the server. */
export interface Registered {
  readonly model: string
  /** User tags the version must carry, besides the provenance tags. */
  readonly tags: Readonly<Record<string, string>>
  readonly description: string
  readonly alias: string
}

interface RestVersion {
  readonly version: string
  readonly description?: string
  readonly tags?: readonly { key: string; value: string }[]
}

interface RestModel {
  readonly aliases?: readonly { alias: string; version: string }[]
}

const IDEMPOTENCY_TAG = 'mlflow_register.idempotency_key'

/** Lists every version of a registered model. */
export async function versionsOf(
  server: TestServer,
  model: string
): Promise<RestVersion[]> {
  const response = await mlflowApi<{ model_versions?: RestVersion[] }>(
    server,
    'GET',
    'model-versions/search',
    { query: { filter: `name = '${model}'` } }
  )
  return response.model_versions ?? []
}

/** Lists the ids of an experiment's runs that carry a tag. */
export async function runsTaggedWith(
  server: TestServer,
  experimentName: string,
  tag: { readonly key: string; readonly value: string }
): Promise<string[]> {
  const { experiment } = await mlflowApi<{
    experiment: { experiment_id: string }
  }>(server, 'GET', 'experiments/get-by-name', {
    query: { experiment_name: experimentName }
  })
  const response = await mlflowApi<{
    runs?: { info: { run_id: string } }[]
  }>(server, 'POST', 'runs/search', {
    body: {
      experiment_ids: [experiment.experiment_id],
      filter: `tags.\`${tag.key}\` = '${tag.value}'`
    }
  })
  return (response.runs ?? []).map(run => run.info.run_id)
}

/**
 * Asserts that the model has exactly one version (no duplicate, nothing
 * lost), with the expected tags, description and alias.
 */
export async function expectRegisteredOnce(
  server: TestServer,
  expected: Registered
): Promise<void> {
  const versions = await versionsOf(server, expected.model)
  expect(versions.map(v => v.version)).toEqual(['1'])

  const { model_version: version } = await mlflowApi<{
    model_version: RestVersion
  }>(server, 'GET', 'model-versions/get', {
    query: { name: expected.model, version: '1' }
  })
  const tags = Object.fromEntries(
    (version.tags ?? []).map(tag => [tag.key, tag.value])
  )
  expect(tags).toMatchObject(expected.tags)
  expect(tags[IDEMPOTENCY_TAG]).toMatch(/^[0-9a-f]{64}$/)
  expect(version.description).toBe(expected.description)

  const { registered_model: model } = await mlflowApi<{
    registered_model: RestModel
  }>(server, 'GET', 'registered-models/get', {
    query: { name: expected.model }
  })
  expect(model.aliases).toEqual([{ alias: expected.alias, version: '1' }])
}
