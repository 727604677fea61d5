import { describe, expect, it } from '@jest/globals'

import {
  modelVersionResponse,
  searchModelVersionsResponse
} from '../../../src/mlflow/schemas.js'
import { uniqueModelName } from '../../support/servers.js'
import { createModel, createRun, createVersion } from './arrange.js'
import { api, call, callOk } from './client.js'
import { contractTargets } from './targets.js'

const targets = contractTargets()

describe('model version create', () => {
  it.each(targets)('returns the version fields on $name', async target => {
    const name = await createModel(target)
    const reply = await call(target, 'POST', api('model-versions/create'), {
      json: { name, source: 's3://contract-bucket/model' }
    })
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({
      model_version: {
        name,
        version: '1',
        creation_timestamp: expect.any(Number),
        last_updated_timestamp: expect.any(Number),
        current_stage: 'None',
        description: '',
        source: 's3://contract-bucket/model',
        run_id: '',
        status: 'READY',
        run_link: ''
      }
    })
  })

  it.each(targets)(
    'keeps inline tags and description on $name',
    async target => {
      const name = await createModel(target)
      const version = await createVersion(target, name, {
        tags: [{ key: 'ci.commit', value: 'abc123' }],
        description: 'from CI'
      })
      expect(version.tags).toEqual([{ key: 'ci.commit', value: 'abc123' }])
      expect(version.description).toBe('from CI')
    }
  )
})

describe('model version numbering', () => {
  it.each(targets)('counts up past deleted versions on $name', async target => {
    const name = await createModel(target)
    const first = await createVersion(target, name)
    const second = await createVersion(target, name)
    await callOk(target, 'DELETE', api('model-versions/delete'), {
      json: { name, version: second.version }
    })
    const third = await createVersion(target, name)
    expect([first.version, second.version, third.version]).toEqual([
      '1',
      '2',
      '3'
    ])
  })
})

describe('model version on a missing model', () => {
  it.each(targets)('is rejected on $name', async target => {
    const name = uniqueModelName('contract-missing')
    const reply = await call(target, 'POST', api('model-versions/create'), {
      json: { name, source: 's3://contract-bucket/model' }
    })
    // The basic-auth app checks the model before the handler runs, and
    // rejects a non-admin for a model that does not exist.
    if (target.basicAuth) {
      expect(reply.status).toBe(403)
      expect(reply.text).toBe('Permission denied')
    } else {
      expect(reply.status).toBe(404)
      expect(reply.json).toMatchObject({
        error_code: 'RESOURCE_DOES_NOT_EXIST',
        message: `Registered Model with name=${name} not found`
      })
    }
  })

  it.each(targets.filter(t => t.basicAuth))(
    'is 404 for the admin on $name',
    async target => {
      const name = uniqueModelName('contract-missing')
      const reply = await call(target, 'POST', api('model-versions/create'), {
        json: { name, source: 's3://contract-bucket/model' },
        as: 'admin'
      })
      expect(reply.status).toBe(404)
      expect(reply.json).toMatchObject({
        error_code: 'RESOURCE_DOES_NOT_EXIST'
      })
    }
  )
})

describe('model version missing', () => {
  it.each(targets)('is 404 with the version on $name', async target => {
    const name = await createModel(target)
    const reply = await call(target, 'GET', api('model-versions/get'), {
      query: { name, version: '9' }
    })
    expect(reply.status).toBe(404)
    expect(reply.json).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Model Version (name=${name}, version=9) not found`
    })
  })
})

describe('model version tags', () => {
  it.each(targets)('set and delete round trip on $name', async target => {
    const name = await createModel(target)
    const { version } = await createVersion(target, name)
    await callOk(target, 'POST', api('model-versions/set-tag'), {
      json: { name, version, key: 'ci.run', value: '42' }
    })
    const tagged = await callOk(target, 'GET', api('model-versions/get'), {
      query: { name, version }
    })
    expect(modelVersionResponse.parse(tagged).model_version.tags).toEqual([
      { key: 'ci.run', value: '42' }
    ])
    // Deleting a version tag needs MANAGE, which the creator has.
    await callOk(target, 'DELETE', api('model-versions/delete-tag'), {
      json: { name, version, key: 'ci.run' }
    })
    const untagged = await callOk(target, 'GET', api('model-versions/get'), {
      query: { name, version }
    })
    expect(untagged.model_version).not.toHaveProperty('tags')
  })
})

describe('model version update', () => {
  it.each(targets)('replaces the description on $name', async target => {
    const name = await createModel(target)
    const { version } = await createVersion(target, name)
    const reply = await callOk(target, 'PATCH', api('model-versions/update'), {
      json: { name, version, description: 'promoted' }
    })
    expect(modelVersionResponse.parse(reply).model_version.description).toBe(
      'promoted'
    )
  })
})

describe('model version search', () => {
  it.each(targets)('finds a version by name and tag on $name', async target => {
    const name = await createModel(target)
    await createVersion(target, name)
    await createVersion(target, name, {
      tags: [{ key: 'ci.idempotency-key', value: 'key-1' }]
    })
    const reply = await callOk(target, 'GET', api('model-versions/search'), {
      query: {
        filter: `name = '${name}' AND tags.\`ci.idempotency-key\` = 'key-1'`
      }
    })
    const found = searchModelVersionsResponse.parse(reply).model_versions
    expect(found.map(v => v.version)).toEqual(['2'])
  })

  it.each(targets)('finds versions by run id on $name', async target => {
    const name = await createModel(target)
    const run = await createRun(target)
    await createVersion(target, name, {
      source: `runs:/${run.run_id}/model`,
      run_id: run.run_id
    })
    const reply = await callOk(target, 'GET', api('model-versions/search'), {
      query: { filter: `run_id = '${run.run_id}'` }
    })
    expect(reply.model_versions).toEqual([
      expect.objectContaining({ name, version: '1', run_id: run.run_id })
    ])
  })

  it.each(targets)('returns {} when nothing matches on $name', async target => {
    const reply = await call(target, 'GET', api('model-versions/search'), {
      query: { filter: `name = '${uniqueModelName('contract-none')}'` }
    })
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('{}')
  })

  it.each(targets)('leaves out aliases on $name', async target => {
    const name = await createModel(target)
    const { version } = await createVersion(target, name)
    await callOk(target, 'POST', api('registered-models/alias'), {
      json: { name, alias: 'champion', version }
    })
    const reply = await callOk(target, 'GET', api('model-versions/search'), {
      query: { filter: `name = '${name}'` }
    })
    expect(reply.model_versions).toEqual([
      expect.not.objectContaining({ aliases: expect.anything() })
    ])
  })

  it.each(targets)('orders newest first on $name', async target => {
    const name = await createModel(target)
    for (let count = 0; count < 3; count++) await createVersion(target, name)
    const reply = await callOk(target, 'GET', api('model-versions/search'), {
      query: {
        filter: `name = '${name}'`,
        order_by: 'version_number DESC',
        max_results: '2'
      }
    })
    const page = searchModelVersionsResponse.parse(reply)
    expect(page.model_versions.map(v => v.version)).toEqual(['3', '2'])
    expect(page.next_page_token).toEqual(expect.any(String))
  })

  it.each(targets)('rejects an unknown order_by on $name', async target => {
    const reply = await call(target, 'GET', api('model-versions/search'), {
      query: { filter: "name = 'a'", order_by: 'bogus DESC' }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: expect.stringContaining("Invalid attribute key 'bogus'")
    })
  })

  it.each(targets)('rejects OR on $name', async target => {
    const reply = await call(target, 'GET', api('model-versions/search'), {
      query: { filter: "name = 'a' OR name = 'b'" }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' })
  })
})

describe('model version download uri', () => {
  it.each(targets)('returns the source on $name', async target => {
    const name = await createModel(target)
    const { version } = await createVersion(target, name)
    const reply = await callOk(
      target,
      'GET',
      api('model-versions/get-download-uri'),
      { query: { name, version } }
    )
    expect(reply).toEqual({ artifact_uri: 's3://contract-bucket/model' })
  })
})
