import { describe, expect, it } from '@jest/globals'

import {
  getRegisteredModelResponse,
  modelVersionResponse
} from '../../../src/mlflow/schemas.js'
import { createModel, createVersion } from './arrange.js'
import { api, call, callOk } from './client.js'
import { contractTargets } from './targets.js'

const targets = contractTargets()

describe('alias round trip', () => {
  it.each(targets)('set, get and delete on $name', async target => {
    const name = await createModel(target)
    await createVersion(target, name)
    const { version } = await createVersion(target, name)
    const set = await call(target, 'POST', api('registered-models/alias'), {
      json: { name, alias: 'champion', version }
    })
    expect(set.text).toBe('{}')

    const byAlias = await callOk(
      target,
      'GET',
      api('registered-models/alias'),
      {
        query: { name, alias: 'champion' }
      }
    )
    const resolved = modelVersionResponse.parse(byAlias).model_version
    expect(resolved.version).toBe('2')
    expect(resolved.aliases).toEqual(['champion'])

    const model = await callOk(target, 'GET', api('registered-models/get'), {
      query: { name }
    })
    expect(
      getRegisteredModelResponse.parse(model).registered_model.aliases
    ).toEqual([{ alias: 'champion', version: '2' }])

    await callOk(target, 'DELETE', api('registered-models/alias'), {
      json: { name, alias: 'champion' }
    })
    const gone = await call(target, 'GET', api('registered-models/alias'), {
      query: { name, alias: 'champion' }
    })
    expect(gone.status).toBe(400)
  })

  it.each(targets)('moves to another version on $name', async target => {
    const name = await createModel(target)
    await createVersion(target, name)
    await createVersion(target, name)
    for (const version of ['1', '2']) {
      await callOk(target, 'POST', api('registered-models/alias'), {
        json: { name, alias: 'prod', version }
      })
    }
    const first = await callOk(target, 'GET', api('model-versions/get'), {
      query: { name, version: '1' }
    })
    expect(first.model_version).not.toHaveProperty('aliases')
    const second = await callOk(target, 'GET', api('model-versions/get'), {
      query: { name, version: '2' }
    })
    expect(second.model_version).toMatchObject({ aliases: ['prod'] })
  })
})

describe('alias get when missing', () => {
  it.each(targets)('is 400 INVALID_PARAMETER_VALUE on $name', async target => {
    const name = await createModel(target)
    await createVersion(target, name)
    const reply = await call(target, 'GET', api('registered-models/alias'), {
      query: { name, alias: 'champion' }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: 'Registered model alias champion not found.'
    })
  })

  it.each(targets)(
    'resolves latest without an alias on $name',
    async target => {
      const name = await createModel(target)
      await createVersion(target, name)
      await createVersion(target, name)
      const reply = await callOk(
        target,
        'GET',
        api('registered-models/alias'),
        {
          query: { name, alias: 'latest' }
        }
      )
      expect(modelVersionResponse.parse(reply).model_version.version).toBe('2')
    }
  )
})

describe('alias names', () => {
  it.each(targets)('reserve latest on $name', async target => {
    const name = await createModel(target)
    const { version } = await createVersion(target, name)
    const reply = await call(target, 'POST', api('registered-models/alias'), {
      json: { name, alias: 'Latest', version }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      error_code: 'INVALID_PARAMETER_VALUE',
      message: "'latest' alias name (case insensitive) is reserved."
    })
  })

  it.each(targets)('reserve version names on $name', async target => {
    const name = await createModel(target)
    const { version } = await createVersion(target, name)
    const reply = await call(target, 'POST', api('registered-models/alias'), {
      json: { name, alias: 'v1', version }
    })
    expect(reply.status).toBe(400)
    expect(reply.json).toMatchObject({
      message: "Version alias name 'v1' is reserved."
    })
  })

  it.each(targets)('need an existing version on $name', async target => {
    const name = await createModel(target)
    await createVersion(target, name)
    const reply = await call(target, 'POST', api('registered-models/alias'), {
      json: { name, alias: 'champion', version: '7' }
    })
    expect(reply.status).toBe(404)
    expect(reply.json).toMatchObject({
      message: `Model Version (name=${name}, version=7) not found`
    })
  })
})
