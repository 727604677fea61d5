import { describe, expect, it } from '@jest/globals'

import {
  experimentResponse,
  listArtifactsResponse,
  runResponse
} from '../../../src/mlflow/schemas.js'
import { uniqueModelName } from '../../support/servers.js'
import { createExperiment, createRun, putArtifact } from './arrange.js'
import { api, call, callOk } from './client.js'
import { contractTargets } from './targets.js'

const targets = contractTargets()

describe('experiment create and get', () => {
  it.each(targets)('round trips by name and id on $name', async target => {
    const name = uniqueModelName('contract-experiment')
    const created = await callOk(target, 'POST', api('experiments/create'), {
      json: { name }
    })
    expect(created).toEqual({ experiment_id: expect.any(String) })
    const byName = await callOk(target, 'GET', api('experiments/get-by-name'), {
      query: { experiment_name: name }
    })
    const experiment = experimentResponse.parse(byName).experiment
    expect(experiment.experiment_id).toBe(created.experiment_id)
    expect(byName.experiment).toMatchObject({
      artifact_location: `mlflow-artifacts:/${experiment.experiment_id}`,
      lifecycle_stage: 'active'
    })
    const byId = await callOk(target, 'GET', api('experiments/get'), {
      query: { experiment_id: experiment.experiment_id }
    })
    expect(byId).toEqual(byName)
  })

  it.each(targets)('is 404 by unknown name on $name', async target => {
    const reply = await call(target, 'GET', api('experiments/get-by-name'), {
      query: { experiment_name: uniqueModelName('contract-none') }
    })
    expect(reply.status).toBe(404)
    expect(reply.json).toMatchObject({ error_code: 'RESOURCE_DOES_NOT_EXIST' })
  })

  it.each(targets)('rejects a duplicate name on $name', async target => {
    const name = uniqueModelName('contract-experiment')
    await callOk(target, 'POST', api('experiments/create'), { json: { name } })
    const reply = await call(target, 'POST', api('experiments/create'), {
      json: { name }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({ error_code: 'RESOURCE_ALREADY_EXISTS' })
  })
})

describe('run create and get', () => {
  it.each(targets)('round trips the run info on $name', async target => {
    const experimentId = await createExperiment(target)
    const created = await callOk(target, 'POST', api('runs/create'), {
      json: {
        experiment_id: experimentId,
        run_name: 'train',
        start_time: 1_700_000_000_000,
        tags: [{ key: 'ci.sha', value: 'abc' }]
      }
    })
    const info = runResponse.parse(created).run.info
    const experimentRoot = `mlflow-artifacts:/${experimentId}`
    expect(info.run_id).toMatch(/^[0-9a-f]{32}$/)
    expect(created.run).toMatchObject({
      info: {
        run_uuid: info.run_id,
        experiment_id: experimentId,
        run_name: 'train',
        status: 'RUNNING',
        start_time: 1_700_000_000_000,
        artifact_uri: `${experimentRoot}/${info.run_id}/artifacts`,
        lifecycle_stage: 'active'
      },
      data: {
        tags: [
          { key: 'ci.sha', value: 'abc' },
          { key: 'mlflow.runName', value: 'train' }
        ]
      }
    })
    const fetched = await callOk(target, 'GET', api('runs/get'), {
      query: { run_id: info.run_id }
    })
    expect(runResponse.parse(fetched).run.info).toEqual(info)
  })

  it.each(targets)('ends a run with update on $name', async target => {
    const run = await createRun(target)
    const reply = await callOk(target, 'POST', api('runs/update'), {
      json: {
        run_id: run.run_id,
        status: 'FINISHED',
        end_time: 1_700_000_001_000
      }
    })
    expect(reply.run_info).toMatchObject({
      run_id: run.run_id,
      status: 'FINISHED',
      end_time: 1_700_000_001_000
    })
  })

  it.each(targets)('sets and replaces a tag on $name', async target => {
    const run = await createRun(target)
    for (const value of ['first', 'second']) {
      const reply = await callOk(target, 'POST', api('runs/set-tag'), {
        json: { run_id: run.run_id, key: 'model.digest', value }
      })
      expect(reply).toEqual({})
    }
    const fetched = await callOk(target, 'GET', api('runs/get'), {
      query: { run_id: run.run_id }
    })
    expect(fetched.run).toMatchObject({
      data: {
        tags: expect.arrayContaining([{ key: 'model.digest', value: 'second' }])
      }
    })
  })

  it.each(targets)('rejects an unknown run on $name', async target => {
    const reply = await call(target, 'GET', api('runs/get'), {
      query: { run_id: '0123456789abcdef0123456789abcdef' }
    })
    // Without auth this is a plain 404; the basic-auth app rejects a
    // non-admin before looking, so a missing run reveals nothing.
    expect(reply.status).toBe(target.basicAuth ? 403 : 404)
  })
})

describe('run artifacts list', () => {
  it.each(targets)('has only root_uri when empty on $name', async target => {
    const run = await createRun(target)
    const reply = await callOk(target, 'GET', api('artifacts/list'), {
      query: { run_id: run.run_id }
    })
    expect(reply).toEqual({ root_uri: run.artifact_uri })
  })

  it.each(targets)('lists uploaded files on $name', async target => {
    const run = await createRun(target)
    const root = (run.artifact_uri ?? '').replace('mlflow-artifacts:/', '')
    await putArtifact(target, `${root}/model/MLmodel`, 'flavors: {}\n')
    await putArtifact(target, `${root}/model/data/model.pkl`, 'bytes')
    const top = await callOk(target, 'GET', api('artifacts/list'), {
      query: { run_id: run.run_id }
    })
    expect(top.files).toEqual([{ path: 'model', is_dir: true }])
    const inner = await callOk(target, 'GET', api('artifacts/list'), {
      query: { run_id: run.run_id, path: 'model' }
    })
    expect(listArtifactsResponse.parse(inner).files).toEqual([
      { path: 'model/MLmodel', is_dir: false, file_size: 12 },
      { path: 'model/data', is_dir: true }
    ])
  })

  it.each(targets)(
    'lists an empty file without size on $name',
    async target => {
      const run = await createRun(target)
      const root = (run.artifact_uri ?? '').replace('mlflow-artifacts:/', '')
      await putArtifact(target, `${root}/model/__init__.py`, '')
      const reply = await callOk(target, 'GET', api('artifacts/list'), {
        query: { run_id: run.run_id, path: 'model' }
      })
      expect(reply.files).toEqual([
        { path: 'model/__init__.py', is_dir: false }
      ])
    }
  )
})
