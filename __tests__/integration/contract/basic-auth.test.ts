import { describe, expect, it } from '@jest/globals'

import { uniqueModelName } from '../../support/servers.js'
import { createExperiment, createModel, grant } from './arrange.js'
import { api, call, callOk } from './client.js'
import {
  basicAuthTargets,
  contractTargets,
  createUser,
  type ContractTarget
} from './targets.js'

const targets = basicAuthTargets(contractTargets())

const NOT_AUTHENTICATED =
  'You are not authenticated. Please see ' +
  'https://www.mlflow.org/docs/latest/auth/index.html' +
  '#authenticating-to-mlflow on how to authenticate.'

const FLASK_TEXT = 'text/html; charset=utf-8'

function expectUnauthenticated(reply: Awaited<ReturnType<typeof call>>) {
  expect(reply.status).toBe(401)
  expect(reply.text).toBe(NOT_AUTHENTICATED)
  expect(reply.headers.get('content-type')).toBe(FLASK_TEXT)
  expect(reply.headers.get('www-authenticate')).toBe('Basic realm="mlflow"')
}

/** Creates a model as a second user, which the target's user only reads. */
async function someoneElsesModel(target: ContractTarget) {
  const owner = await createUser(target, 'contract-owner')
  const name = await createModel(target, { as: owner })
  return { owner, name }
}

describe('basic auth 401', () => {
  it.each(targets)('without credentials on $name', async target => {
    const reply = await call(target, 'GET', api('registered-models/search'), {
      as: 'anonymous'
    })
    expectUnauthenticated(reply)
  })

  it.each(targets)('with a wrong password on $name', async target => {
    const reply = await call(target, 'GET', api('registered-models/search'), {
      as: { username: target.user?.username ?? '', password: 'wrong-password' }
    })
    expectUnauthenticated(reply)
  })

  it.each(targets)('with an unknown bearer token on $name', async target => {
    const reply = await call(target, 'GET', api('registered-models/search'), {
      as: 'anonymous',
      headers: { authorization: 'Bearer not-a-known-token' }
    })
    expectUnauthenticated(reply)
  })

  it.each(targets)('before a missing Content-Type on $name', async target => {
    const reply = await call(target, 'POST', api('registered-models/create'), {
      as: 'anonymous',
      body: JSON.stringify({ name: uniqueModelName('contract') })
    })
    expectUnauthenticated(reply)
  })

  it.each(targets)(
    'as text/plain on artifact upload on $name',
    async target => {
      const reply = await call(
        target,
        'PUT',
        '/api/2.0/mlflow-artifacts/artifacts/0/a.txt',
        { as: 'anonymous', body: Buffer.from('x') }
      )
      expect(reply.status).toBe(401)
      expect(reply.text).toBe(NOT_AUTHENTICATED)
      expect(reply.headers.get('content-type')).toBe(
        'text/plain; charset=utf-8'
      )
      expect(reply.headers.get('www-authenticate')).toBe('Basic realm="mlflow"')
    }
  )
})

describe('basic auth 403', () => {
  it.each(targets)(
    'for a version on a read-only model on $name',
    async target => {
      const { name } = await someoneElsesModel(target)
      const reply = await call(target, 'POST', api('model-versions/create'), {
        json: { name, source: 's3://contract-bucket/model' }
      })
      expect(reply.status).toBe(403)
      expect(reply.text).toBe('Permission denied')
      expect(reply.headers.get('content-type')).toBe(FLASK_TEXT)
    }
  )

  it.each(targets)('lifts after an EDIT grant on $name', async target => {
    const { name } = await someoneElsesModel(target)
    await grant(
      target,
      target.user?.username ?? '',
      { type: 'registered_model', id: name },
      'EDIT'
    )
    const reply = await call(target, 'POST', api('model-versions/create'), {
      json: { name, source: 's3://contract-bucket/model' }
    })
    expect(reply.status).toBe(200)
  })

  it.each(targets)(
    'as text/plain on artifact upload on $name',
    async target => {
      const owner = await createUser(target, 'contract-owner')
      const experimentId = await createExperiment({ ...target, user: owner })
      const reply = await call(
        target,
        'PUT',
        `/api/2.0/mlflow-artifacts/artifacts/${experimentId}/a.txt`,
        { body: Buffer.from('x') }
      )
      expect(reply.status).toBe(403)
      expect(reply.text).toBe('Permission denied')
      expect(reply.headers.get('content-type')).toBe(
        'text/plain; charset=utf-8'
      )
    }
  )

  it.each(targets)(
    'for runs in a read-only experiment on $name',
    async target => {
      const owner = await createUser(target, 'contract-owner')
      const experimentId = await createExperiment({ ...target, user: owner })
      const reply = await call(target, 'POST', api('runs/create'), {
        json: { experiment_id: experimentId }
      })
      expect(reply.status).toBe(403)
    }
  )
})

describe('default READ permission', () => {
  it.each(targets)('lets other users read on $name', async target => {
    const { name } = await someoneElsesModel(target)
    const reply = await call(target, 'GET', api('registered-models/get'), {
      query: { name }
    })
    expect(reply.status).toBe(200)
  })

  it.each(targets)('keeps delete for the creator on $name', async target => {
    const { owner, name } = await someoneElsesModel(target)
    const rejected = await call(
      target,
      'DELETE',
      api('registered-models/delete'),
      {
        json: { name }
      }
    )
    expect(rejected.status).toBe(403)
    const deleted = await call(
      target,
      'DELETE',
      api('registered-models/delete'),
      {
        json: { name },
        as: owner
      }
    )
    expect(deleted.status).toBe(200)
  })
})

describe('search under basic auth', () => {
  it.each(targets)(
    'filters denied models instead of 403 on $name',
    async target => {
      const { name } = await someoneElsesModel(target)
      await grant(
        target,
        target.user?.username ?? '',
        { type: 'registered_model', id: name },
        'DENY'
      )
      const get = await call(target, 'GET', api('registered-models/get'), {
        query: { name }
      })
      expect(get.status).toBe(403)
      const search = await call(
        target,
        'GET',
        api('registered-models/search'),
        {
          query: { filter: `name = '${name}'` }
        }
      )
      expect(search.status).toBe(200)
      expect(search.text).toBe('{}')
      const admin = await callOk(
        target,
        'GET',
        api('registered-models/search'),
        {
          query: { filter: `name = '${name}'` },
          as: 'admin'
        }
      )
      expect(admin.registered_models).toEqual([
        expect.objectContaining({ name })
      ])
    }
  )
})

describe('current user', () => {
  it.each(targets)('names the caller on $name', async target => {
    const reply = await callOk(target, 'GET', api('users/current'))
    expect(reply).toEqual({
      is_basic_auth: true,
      user: {
        id: expect.any(Number),
        is_admin: false,
        username: target.user?.username
      }
    })
  })
})

describe('unprotected routes', () => {
  it.each(targets)('serve /health without login on $name', async target => {
    const reply = await call(target, 'GET', '/health', { as: 'anonymous' })
    expect(reply.status).toBe(200)
    expect(reply.text).toBe('OK')
  })

  it.each(targets)('exclude /version on $name', async target => {
    const reply = await call(target, 'GET', '/version', { as: 'anonymous' })
    expect(reply.status).toBe(401)
  })
})
