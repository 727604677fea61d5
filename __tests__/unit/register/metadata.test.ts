/**
 * Setting aliases on a version, against the in-process fake: the request
 * goes out each time, and the log reports whether the alias moved.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { modelVersionSchema } from '../../../src/mlflow/schemas.js'
import { setAliases } from '../../../src/register/metadata.js'
import { fakeClient } from '../fixtures/fake-client.js'

const MODEL = 'fraud-model'

let server: FakeServer
let dispatcher: Agent

beforeEach(async () => {
  server = await startFakeServer()
  dispatcher = new Agent()
  server.state.registry.createModel(MODEL, [], undefined)
  server.state.registry.createVersion({
    name: MODEL,
    source: 's3://models/fraud/1',
    storageLocation: '',
    runId: '',
    runLink: '',
    description: '',
    tags: []
  })
})

afterEach(async () => {
  await dispatcher.destroy()
  await server.close()
})

function versionWithAliases(aliases: string[]) {
  return modelVersionSchema.parse({ name: MODEL, version: '1', aliases })
}

function aliasRequests(): number {
  return server.requests.matching({ path: 'registered-models/alias' }).length
}

describe('setAliases', () => {
  it('logs a moved alias as now', async () => {
    const { http, log } = fakeClient(server, dispatcher)
    await setAliases(http, versionWithAliases([]), ['champion'], log)
    expect(log.lines).toContain(
      "info: Alias 'champion' now points to version 1"
    )
    expect(aliasRequests()).toBe(1)
  })

  it('logs an unmoved alias as still', async () => {
    server.state.registry.setAlias(MODEL, 'champion', '1')
    const { http, log } = fakeClient(server, dispatcher)
    await setAliases(http, versionWithAliases(['champion']), ['champion'], log)
    expect(log.lines).toContain(
      "info: Alias 'champion' still points to version 1"
    )
    expect(aliasRequests()).toBe(1)
  })
})
