import { describe, expect, it } from '@jest/globals'

import {
  modelVersionResponse,
  runResponse,
  searchLoggedModelsResponse
} from '../../../src/mlflow/schemas.js'
import { createExperiment, createModel } from './arrange.js'
import { api, call, callOk } from './client.js'
import { contractTargets, type ContractTarget } from './targets.js'

const targets = contractTargets()

async function createLoggedModel(target: ContractTarget) {
  const experimentId = await createExperiment(target)
  const run = await callOk(target, 'POST', api('runs/create'), {
    json: { experiment_id: experimentId }
  })
  const runId = runResponse.parse(run).run.info.run_id
  const reply = await callOk(target, 'POST', api('logged-models'), {
    json: { experiment_id: experimentId, name: 'model', source_run_id: runId }
  })
  const model = searchLoggedModelsResponse.parse({ models: [reply.model] })
    .models[0]
  if (!model) throw new Error('logged-models create returned no model')
  return { experimentId, runId, model }
}

describe('logged model search', () => {
  it.each(targets)('finds a model by name on $name', async target => {
    const { experimentId, runId, model } = await createLoggedModel(target)
    const reply = await callOk(target, 'POST', api('logged-models/search'), {
      json: { experiment_ids: [experimentId], filter: "name = 'model'" }
    })
    const found = searchLoggedModelsResponse.parse(reply).models
    const modelsRoot = `mlflow-artifacts:/${experimentId}/models`
    expect(found.map(m => m.info.model_id)).toEqual([model.info.model_id])
    expect(found[0]?.info).toMatchObject({
      source_run_id: runId,
      status: 'LOGGED_MODEL_PENDING',
      artifact_uri: `${modelsRoot}/${model.info.model_id}/artifacts`
    })
  })

  it.each(targets)('returns {} when nothing matches on $name', async target => {
    const experimentId = await createExperiment(target)
    const reply = await call(target, 'POST', api('logged-models/search'), {
      json: { experiment_ids: [experimentId], filter: "name = 'model'" }
    })
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('{}')
  })

  it.each(targets)('needs experiment ids on $name', async target => {
    const reply = await call(target, 'POST', api('logged-models/search'), {
      json: {}
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      message: expect.stringContaining(
        "Missing value for required parameter 'experiment_ids'"
      )
    })
  })
})

describe('logged model get', () => {
  it.each(targets)('returns the model on $name', async target => {
    const { model } = await createLoggedModel(target)
    const reply = await callOk(
      target,
      'GET',
      api(`logged-models/${model.info.model_id}`)
    )
    expect(reply).toEqual({ model: expect.objectContaining({ data: {} }) })
    expect(reply.model).toMatchObject({
      info: { model_id: model.info.model_id }
    })
  })

  it.each(targets)('rejects an unknown id on $name', async target => {
    const reply = await call(target, 'GET', api('logged-models/m-unknown'))
    expect(reply.status).toBe(target.basicAuth ? 403 : 404)
  })
})

describe('logged model finalize', () => {
  it.each(targets)('needs model_id in the body on $name', async target => {
    const { model } = await createLoggedModel(target)
    const path = api(`logged-models/${model.info.model_id}`)
    const missing = await call(target, 'PATCH', path, {
      json: { status: 'LOGGED_MODEL_READY' }
    })
    expect(missing.status).toBe(400)
    expect(missing.json).toMatchObject({
      message: expect.stringContaining(
        "Missing value for required parameter 'model_id'"
      )
    })
    const finalized = await callOk(target, 'PATCH', path, {
      json: { model_id: model.info.model_id, status: 'LOGGED_MODEL_READY' }
    })
    expect(finalized.model).toMatchObject({
      info: { status: 'LOGGED_MODEL_READY' }
    })
  })
})

describe('version from a logged model', () => {
  it.each(targets)('takes the run of the model on $name', async target => {
    const { runId, model } = await createLoggedModel(target)
    const name = await createModel(target)
    const modelId = model.info.model_id
    const reply = await callOk(target, 'POST', api('model-versions/create'), {
      json: { name, source: `models:/${modelId}`, model_id: modelId }
    })
    const version = modelVersionResponse.parse(reply).model_version
    expect(version.source).toBe(`models:/${modelId}`)
    expect(version.run_id).toBe(runId)
    const uri = await callOk(
      target,
      'GET',
      api('model-versions/get-download-uri'),
      { query: { name, version: version.version } }
    )
    expect(uri).toEqual({ artifact_uri: model.info.artifact_uri })
    const logged = await callOk(target, 'GET', api(`logged-models/${modelId}`))
    expect(logged.model).toMatchObject({
      info: {
        tags: [
          {
            key: 'mlflow.modelVersions',
            value: `[{"name": "${name}", "version": 1}]`
          }
        ]
      }
    })
  })
})
