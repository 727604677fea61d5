import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { api, send, sendJson } from './fake-http.js'

let server: FakeServer

const NAME_IS_M = encodeURIComponent("name = 'm'")

beforeEach(async () => {
  server = await startFakeServer()
  await send(server, api('registered-models/create'), { json: { name: 'm' } })
})

afterEach(async () => {
  await server.close()
})

async function createVersion() {
  const reply = await sendJson(server, api('model-versions/create'), {
    json: { name: 'm', source: 's3://bucket/model' }
  })
  return reply.body.model_version as { version: string; status: string }
}

async function readStatus(version: string) {
  const reply = await sendJson(
    server,
    `${api('model-versions/get')}?name=m&version=${version}`
  )
  const model = reply.body.model_version as Record<string, unknown>
  return { status: model.status, message: model.status_message }
}

describe('version status machine', () => {
  it('is READY at once without a plan', async () => {
    expect((await createVersion()).status).toBe('READY')
  })

  it('turns READY after the pending reads', async () => {
    server.faults.setVersionStatus({ pendingReads: 2, outcome: 'READY' })
    const { version, status } = await createVersion()
    expect(status).toBe('PENDING_REGISTRATION')
    const seen = []
    for (let i = 0; i < 4; i++) seen.push((await readStatus(version)).status)
    expect(seen).toEqual([
      'PENDING_REGISTRATION',
      'PENDING_REGISTRATION',
      'READY',
      'READY'
    ])
  })

  it('fails registration with a message', async () => {
    server.faults.setVersionStatus({
      pendingReads: 0,
      outcome: 'FAILED_REGISTRATION',
      statusMessage: 'copy failed'
    })
    const { version } = await createVersion()
    expect(await readStatus(version)).toEqual({
      status: 'FAILED_REGISTRATION',
      message: 'copy failed'
    })
  })

  it('leaves earlier versions alone', async () => {
    const { version } = await createVersion()
    server.faults.setVersionStatus({ pendingReads: 3, outcome: 'READY' })
    expect((await readStatus(version)).status).toBe('READY')
  })
})

describe('search quirks', () => {
  it('empty model search while get finds it', async () => {
    server.faults.setQuirks({ emptyModelSearch: true })
    const search = await send(
      server,
      `${api('registered-models/search')}?filter=${NAME_IS_M}`
    )
    expect(search.text).toBe('{}')
    const get = await send(server, `${api('registered-models/get')}?name=m`)
    expect(get.status).toBe(200)
  })

  it('add aliases to version search on request', async () => {
    const { version } = await createVersion()
    await send(server, api('registered-models/alias'), {
      json: { name: 'm', alias: 'prod', version }
    })
    const path = `${api('model-versions/search')}?filter=${NAME_IS_M}`
    const plain = await sendJson(server, path)
    expect(plain.body.model_versions).toEqual([
      expect.not.objectContaining({ aliases: expect.anything() })
    ])
    server.faults.setQuirks({ versionSearchAliases: true })
    const quirky = await sendJson(server, path)
    expect(quirky.body.model_versions).toEqual([
      expect.objectContaining({ aliases: ['prod'] })
    ])
  })

  it('reject double quotes in searches', async () => {
    server.faults.setQuirks({ singleQuotedFilters: true })
    const filter = encodeURIComponent('name = "m"')
    const models = await send(
      server,
      `${api('registered-models/search')}?filter=${filter}`
    )
    const versions = await send(
      server,
      `${api('model-versions/search')}?filter=${filter}`
    )

    expect(models.status).toBe(400)
    expect(versions.status).toBe(400)
    expect(versions.text).toContain('INVALID_PARAMETER_VALUE')
  })

  it('reject a tag filter on model search', async () => {
    server.faults.setQuirks({ singleQuotedFilters: true })
    const filter = encodeURIComponent("tags.team = 'fraud'")
    const search = await send(
      server,
      `${api('registered-models/search')}?filter=${filter}`
    )

    expect(search.status).toBe(400)
    expect(search.text).toContain('tag filters are not supported')
  })

  it('accept single quotes with the quirk', async () => {
    server.faults.setQuirks({ singleQuotedFilters: true })
    const search = await sendJson(
      server,
      `${api('registered-models/search')}?filter=${NAME_IS_M}`
    )

    expect(search.body.registered_models).toHaveLength(1)
  })

  it('are undone by reset', async () => {
    server.faults.setQuirks({ emptyModelSearch: true })
    server.faults.reset()
    const search = await sendJson(server, api('registered-models/search'))
    expect(search.body.registered_models).toHaveLength(1)
  })
})
