import { describe, expect, it } from '@jest/globals'

import { modelVersionResponse } from '../../../src/mlflow/schemas.js'
import { createModel, createRun } from './arrange.js'
import { api, call } from './client.js'
import { contractTargets } from './targets.js'

const targets = contractTargets()

const NEEDS_RUN_ID =
  'The run_id request parameter must identify the resource that contains ' +
  'the source.'

async function createWithSource(
  target: (typeof targets)[number],
  body: Record<string, string>
) {
  const name = await createModel(target)
  return call(target, 'POST', api('model-versions/create'), {
    json: { name, ...body }
  })
}

describe('runs source', () => {
  it.each(targets)('needs the matching run_id on $name', async target => {
    const run = await createRun(target)
    const source = `runs:/${run.run_id}/model`
    const reply = await createWithSource(target, { source })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: `Invalid model version source: '${source}'. ${NEEDS_RUN_ID}`
    })
  })

  it.each(targets)('is stored verbatim on $name', async target => {
    const run = await createRun(target)
    const source = `runs:/${run.run_id}/model`
    const reply = await createWithSource(target, { source, run_id: run.run_id })
    const version = modelVersionResponse.parse(reply.json).model_version
    expect(version.source).toBe(source)
    expect(version.run_id).toBe(run.run_id)
  })
})

describe('artifact proxy source', () => {
  it.each(targets)('needs the run containing it on $name', async target => {
    const run = await createRun(target)
    const source = `${run.artifact_uri ?? ''}/model`
    const reply = await createWithSource(target, { source })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      message: `Invalid model version source: '${source}'. ${NEEDS_RUN_ID}`
    })
  })

  it.each(targets)('is accepted with its run on $name', async target => {
    const run = await createRun(target)
    const source = `${run.artifact_uri ?? ''}/model`
    const reply = await createWithSource(target, { source, run_id: run.run_id })
    expect(reply.status).toBe(200)
    expect(modelVersionResponse.parse(reply.json).model_version.source).toBe(
      source
    )
  })

  it.each(targets)('must lie in that run on $name', async target => {
    const run = await createRun(target)
    const other = await createRun(target)
    const source = `${other.artifact_uri ?? ''}/model`
    const reply = await createWithSource(target, { source, run_id: run.run_id })
    expect(reply.status).toBe(400)
  })
})

describe('unsafe sources', () => {
  it.each(targets)('reject a local path on $name', async target => {
    const reply = await createWithSource(target, { source: '/tmp/model' })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      message: expect.stringContaining(
        'To use a local path as a model version source'
      )
    })
  })

  it.each(targets)('reject parent references on $name', async target => {
    const reply = await createWithSource(target, {
      source: 's3://contract-bucket/a/../b'
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      message: expect.stringContaining('an absolute path must be provided')
    })
  })

  it.each(targets)('reject an http host on $name', async target => {
    const reply = await createWithSource(target, {
      source: 'http://artifacts.example/model'
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      message: expect.stringContaining("'source' cannot use the 'http' scheme")
    })
  })

  it.each(targets)('reject a bare model id on $name', async target => {
    const reply = await createWithSource(target, {
      source: 'models:/m-0123456789abcdef0123456789abcdef'
    })
    // The basic-auth app wants READ on the logged model a source names,
    // and rejects a non-admin when that model does not exist.
    if (target.basicAuth) {
      expect(reply.status).toBe(403)
      return
    }
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      message: expect.stringContaining('The model_id request parameter')
    })
  })
})
