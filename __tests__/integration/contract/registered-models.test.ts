import { describe, expect, it } from '@jest/globals'

import {
  getRegisteredModelResponse,
  registeredModelSchema
} from '../../../src/mlflow/schemas.js'
import { uniqueModelName } from '../../support/servers.js'
import { createModel, createVersion } from './arrange.js'
import { api, call, callOk } from './client.js'
import { contractTargets } from './targets.js'

const targets = contractTargets()

describe('registered model create', () => {
  it.each(targets)('returns the new model on $name', async target => {
    const name = uniqueModelName('contract')
    const reply = await call(target, 'POST', api('registered-models/create'), {
      json: { name }
    })
    expect(reply.status).toBe(200)
    expect(reply.headers.get('content-type')).toBe('application/json')
    const model = getRegisteredModelResponse.parse(reply.json).registered_model
    expect(model.name).toBe(name)
    expect(reply.json).toEqual({
      registered_model: {
        name,
        creation_timestamp: expect.any(Number),
        last_updated_timestamp: expect.any(Number)
      }
    })
  })

  it.each(targets)('keeps tags and description on $name', async target => {
    const name = await createModel(target, {
      body: { tags: [{ key: 'team', value: 'ml' }], description: 'first' }
    })
    const reply = await callOk(target, 'GET', api('registered-models/get'), {
      query: { name }
    })
    const model = registeredModelSchema.parse(reply.registered_model)
    expect(model.tags).toEqual([{ key: 'team', value: 'ml' }])
    expect(model.description).toBe('first')
  })
})

describe('registered model duplicate', () => {
  it.each(targets)('is 400 RESOURCE_ALREADY_EXISTS on $name', async target => {
    const name = await createModel(target)
    const reply = await call(target, 'POST', api('registered-models/create'), {
      json: { name }
    })
    expect(reply.status).toBe(400)
    expect(reply.headers.get('content-type')).toBe('application/json')
    expect(reply.json).toMatchObject({
      error_code: 'RESOURCE_ALREADY_EXISTS',
      message: `Registered Model (name=${name}) already exists.`
    })
  })
})

describe('registered model missing', () => {
  it.each(targets)('is 404 RESOURCE_DOES_NOT_EXIST on $name', async target => {
    const name = uniqueModelName('contract-missing')
    const reply = await call(target, 'GET', api('registered-models/get'), {
      query: { name }
    })
    expect(reply.status).toBe(404)
    expect(reply.json).toMatchObject({
      error_code: 'RESOURCE_DOES_NOT_EXIST',
      message: `Registered Model with name=${name} not found`
    })
  })
})

describe('registered model name', () => {
  it.each(targets)('rejects a slash on $name', async target => {
    const reply = await call(target, 'POST', api('registered-models/create'), {
      json: { name: 'team/model' }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message:
        "Invalid model name 'team/model'. Names cannot contain '/' or ':'."
    })
  })
})

describe('registered model search', () => {
  it.each(targets)('returns {} when nothing matches on $name', async target => {
    const reply = await call(target, 'GET', api('registered-models/search'), {
      query: { filter: `name = '${uniqueModelName('contract-none')}'` }
    })
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('{}')
  })

  it.each(targets)('finds a model by exact name on $name', async target => {
    const name = await createModel(target)
    const reply = await callOk(target, 'GET', api('registered-models/search'), {
      query: { filter: `name = '${name}'` }
    })
    expect(reply.registered_models).toEqual([expect.objectContaining({ name })])
  })

  it.each(targets)('pages a LIKE filter on $name', async target => {
    const prefix = uniqueModelName('contract-page')
    for (const suffix of ['a', 'b']) {
      await callOk(target, 'POST', api('registered-models/create'), {
        json: { name: `${prefix}-${suffix}` }
      })
    }
    const filter = `name LIKE '${prefix}-%'`
    const first = await callOk(target, 'GET', api('registered-models/search'), {
      query: { filter, max_results: '1' }
    })
    expect(first.registered_models).toEqual([
      expect.objectContaining({ name: `${prefix}-a` })
    ])
    expect(first.next_page_token).toEqual(expect.any(String))
    const second = await callOk(
      target,
      'GET',
      api('registered-models/search'),
      {
        query: {
          filter,
          max_results: '1',
          page_token: String(first.next_page_token)
        }
      }
    )
    expect(second.registered_models).toEqual([
      expect.objectContaining({ name: `${prefix}-b` })
    ])
    expect(second.next_page_token).toBeUndefined()
  })

  it.each(targets)('rejects an unquoted value on $name', async target => {
    const reply = await call(target, 'GET', api('registered-models/search'), {
      query: { filter: 'name = model' }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({ error_code: 'INVALID_PARAMETER_VALUE' })
  })

  it.each(targets)('rejects a bad page token on $name', async target => {
    const reply = await call(target, 'GET', api('registered-models/search'), {
      query: { page_token: 'not a token' }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Invalid page token, could not base64-decode'
    })
  })
})

describe('registered model update', () => {
  it.each(targets)('replaces the description on $name', async target => {
    const name = await createModel(target)
    const reply = await callOk(
      target,
      'PATCH',
      api('registered-models/update'),
      {
        json: { name, description: 'second' }
      }
    )
    const model = registeredModelSchema.parse(reply.registered_model)
    expect(model.description).toBe('second')
  })
})

describe('registered model tags', () => {
  it.each(targets)('set and delete round trip on $name', async target => {
    const name = await createModel(target)
    await callOk(target, 'POST', api('registered-models/set-tag'), {
      json: { name, key: 'stage', value: 'candidate' }
    })
    const tagged = await callOk(target, 'GET', api('registered-models/get'), {
      query: { name }
    })
    expect(registeredModelSchema.parse(tagged.registered_model).tags).toEqual([
      { key: 'stage', value: 'candidate' }
    ])
    await callOk(target, 'DELETE', api('registered-models/delete-tag'), {
      json: { name, key: 'stage' }
    })
    const untagged = await callOk(target, 'GET', api('registered-models/get'), {
      query: { name }
    })
    expect(untagged.registered_model).not.toHaveProperty('tags')
  })
})

describe('registered model delete', () => {
  it.each(targets)('removes the model on $name', async target => {
    const name = await createModel(target)
    const deleted = await call(
      target,
      'DELETE',
      api('registered-models/delete'),
      {
        json: { name }
      }
    )
    expect(deleted.text).toBe('{}')
    const reply = await call(target, 'GET', api('registered-models/get'), {
      query: { name }
    })
    expect(reply.status).toBe(404)
  })
})

describe('latest versions', () => {
  it.each(targets)('lists the newest version on $name', async target => {
    const name = await createModel(target)
    await createVersion(target, name)
    await createVersion(target, name)
    const reply = await callOk(
      target,
      'GET',
      api('registered-models/get-latest-versions'),
      { query: { name } }
    )
    expect(reply.model_versions).toEqual([
      expect.objectContaining({ name, version: '2', current_stage: 'None' })
    ])
    const model = await callOk(target, 'GET', api('registered-models/get'), {
      query: { name }
    })
    expect(model.registered_model).toMatchObject({
      latest_versions: [expect.objectContaining({ version: '2' })]
    })
  })
})
