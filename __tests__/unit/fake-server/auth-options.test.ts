import { afterEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type BasicAuthOptions,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { api, basic, send } from './fake-http.js'

let server: FakeServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

const ALICE = { username: 'alice', password: 'alice-password-1' }

function start(auth: Partial<BasicAuthOptions> = {}) {
  return startFakeServer({
    auth: { mode: 'basic', users: [ALICE], ...auth }
  })
}

describe('bearer tokens', () => {
  it('authenticate as the mapped user', async () => {
    server = await start({ tokens: { 'token-1': 'alice' } })
    const reply = await send(server, api('users/current'), {
      headers: { authorization: 'Bearer token-1' }
    })
    expect(JSON.parse(reply.text)).toMatchObject({
      user: { username: 'alice' }
    })
  })

  it('reject unknown tokens with 401', async () => {
    server = await start({ tokens: { 'token-1': 'alice' } })
    const reply = await send(server, api('users/current'), {
      headers: { authorization: 'Bearer token-2' }
    })
    expect(reply.status).toBe(401)
  })

  it('must name an existing user', async () => {
    await expect(start({ tokens: { 'token-1': 'nobody' } })).rejects.toThrow(
      'User with username=nobody not found'
    )
  })
})

describe('refusal body shapes', () => {
  it('send {"message"} when configured', async () => {
    server = await start({ refusalShape: 'message' })
    const reply = await send(server, api('registered-models/search'))
    expect(reply.status).toBe(401)
    expect(reply.headers['content-type']).toBe('application/json')
    expect(JSON.parse(reply.text)).toEqual({
      message: expect.stringContaining('You are not authenticated')
    })
  })

  it('send {"error": {code, message}} when configured', async () => {
    server = await start({ refusalShape: 'error' })
    await send(server, api('registered-models/create'), {
      json: { name: 'm' },
      headers: { authorization: basic('admin', 'fake-admin-password') }
    })
    const reply = await send(server, api('registered-models/delete'), {
      method: 'DELETE',
      json: { name: 'm' },
      headers: { authorization: basic(ALICE.username, ALICE.password) }
    })
    expect(reply.status).toBe(403)
    expect(JSON.parse(reply.text)).toEqual({
      error: { code: 'PERMISSION_DENIED', message: 'Permission denied' }
    })
  })

  it('keep the Basic challenge on 401', async () => {
    server = await start({ refusalShape: 'error' })
    const reply = await send(server, api('registered-models/search'))
    expect(reply.headers['www-authenticate']).toBe('Basic realm="mlflow"')
  })
})

describe('default permission', () => {
  it('NO_PERMISSIONS rejects reads of others', async () => {
    server = await start({ defaultPermission: 'NO_PERMISSIONS' })
    await send(server, api('registered-models/create'), {
      json: { name: 'm' },
      headers: { authorization: basic('admin', 'fake-admin-password') }
    })
    const reply = await send(server, `${api('registered-models/get')}?name=m`, {
      headers: { authorization: basic(ALICE.username, ALICE.password) }
    })
    expect(reply.status).toBe(403)
  })

  it('READ lets users read', async () => {
    server = await start()
    await send(server, api('registered-models/create'), {
      json: { name: 'm' },
      headers: { authorization: basic('admin', 'fake-admin-password') }
    })
    const reply = await send(server, `${api('registered-models/get')}?name=m`, {
      headers: { authorization: basic(ALICE.username, ALICE.password) }
    })
    expect(reply.status).toBe(200)
  })
})

describe('programmatic grants', () => {
  it('give EDIT for version creation', async () => {
    server = await start()
    server.state.registry.createModel('m', [], undefined)
    server.state.users.grant('alice', 'registered_model', 'm', 'EDIT')
    const reply = await send(server, api('model-versions/create'), {
      json: { name: 'm', source: 's3://bucket/model' },
      headers: { authorization: basic(ALICE.username, ALICE.password) }
    })
    expect(reply.status).toBe(200)
  })
})
