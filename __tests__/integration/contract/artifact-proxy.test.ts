import { describe, expect, it } from '@jest/globals'

import { createExperiment, putArtifact } from './arrange.js'
import { call, callOk } from './client.js'
import { contractTargets } from './targets.js'

const targets = contractTargets()

const ARTIFACTS = '/api/2.0/mlflow-artifacts/artifacts'

describe('artifact upload', () => {
  it.each(targets)('returns 200 with no body on $name', async target => {
    const experimentId = await createExperiment(target)
    const reply = await call(
      target,
      'PUT',
      `${ARTIFACTS}/${experimentId}/a.txt`,
      {
        body: Buffer.from('hello'),
        headers: { 'content-type': 'text/plain' }
      }
    )
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('')
    expect(reply.headers.get('content-type')).toBeNull()
  })
})

describe('artifact download', () => {
  it.each(targets)('returns the bytes on $name', async target => {
    const experimentId = await createExperiment(target)
    await putArtifact(target, `${experimentId}/model/MLmodel`, 'flavors: {}\n')
    const reply = await call(
      target,
      'GET',
      `${ARTIFACTS}/${experimentId}/model/MLmodel`
    )
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('flavors: {}\n')
    expect(reply.headers.get('content-type')).toBe('text/plain')
    expect(reply.headers.get('content-disposition')).toBe(
      'attachment; filename=MLmodel'
    )
  })

  it.each(targets)('is 404 JSON when missing on $name', async target => {
    const experimentId = await createExperiment(target)
    const reply = await call(
      target,
      'GET',
      `${ARTIFACTS}/${experimentId}/nothing`
    )
    expect(reply.status).toBe(404)
    expect(reply.json).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `No such artifact: '${experimentId}/nothing'`
    })
  })
})

describe('artifact list', () => {
  it.each(targets)('names entries below path on $name', async target => {
    const experimentId = await createExperiment(target)
    await putArtifact(target, `${experimentId}/model/MLmodel`, 'flavors: {}\n')
    await putArtifact(target, `${experimentId}/model/data/model.pkl`, 'x')
    const reply = await callOk(target, 'GET', ARTIFACTS, {
      query: { path: `${experimentId}/model` }
    })
    expect(reply).toEqual({
      files: [
        { path: 'MLmodel', is_dir: false, file_size: 12 },
        { path: 'data', is_dir: true }
      ]
    })
  })

  // MLflow leaves out a size of 0, as protobuf's JSON does for defaults.
  it.each(targets)('lists no size for an empty file on $name', async target => {
    const experimentId = await createExperiment(target)
    await putArtifact(target, `${experimentId}/model/__init__.py`, '')
    const reply = await callOk(target, 'GET', ARTIFACTS, {
      query: { path: `${experimentId}/model` }
    })
    expect(reply).toEqual({
      files: [{ path: '__init__.py', is_dir: false }]
    })
  })

  it.each(targets)('returns {} for an empty path on $name', async target => {
    const experimentId = await createExperiment(target)
    const reply = await call(target, 'GET', ARTIFACTS, {
      query: { path: `${experimentId}/nothing-here` }
    })
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('{}')
  })
})
