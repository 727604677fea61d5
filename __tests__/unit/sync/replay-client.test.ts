/**
 * The registry and client a replayed bundle registers with. A bundle goes
 * to the registry its deferred run would have used. One bound for Unity
 * Catalog sends its registry calls to the Unity Catalog endpoints of the
 * in-process fake, even when the sync run's own client does not.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { createUnityCatalogClient } from '../../../src/http/registry-client.js'
import { getRegisteredModel } from '../../../src/mlflow/registry.js'
import { parseConfig } from '../../../src/config/parse-config.js'
import { replayClient, replayRegistry } from '../../../src/sync/replay.js'
import { fakeClient } from '../fixtures/fake-client.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'

const MODEL = 'main.ml.churn'

let server: FakeServer
let dispatcher: Agent

beforeEach(async () => {
  server = await startFakeServer()
  dispatcher = new Agent()
})

afterEach(async () => {
  await dispatcher.destroy()
  await server.close()
})

function paths(): string[] {
  return server.requests.entries.map(entry => entry.path)
}

describe('replayClient', () => {
  it('sends Unity Catalog bundles there', async () => {
    const { http } = fakeClient(server, dispatcher)
    const replay = replayClient(http, { kind: 'unity-catalog' })
    expect(replay.isUnityCatalog).toBe(true)

    await getRegisteredModel(replay, MODEL).catch(() => undefined)
    expect(paths()).toEqual([
      '/api/2.0/mlflow/unity-catalog/registered-models/get'
    ])
  })

  it('keeps the workspace registry', async () => {
    const { http } = fakeClient(server, dispatcher)
    const replay = replayClient(http, { kind: 'tracking' })
    expect(replay).toBe(http)

    await getRegisteredModel(replay, 'churn')
    expect(paths()).toEqual(['/api/2.0/mlflow/registered-models/get'])
  })

  it('keeps a Unity Catalog client', () => {
    const { http } = fakeClient(server, dispatcher)
    const unityCatalog = createUnityCatalogClient(http.options)
    const replay = replayClient(unityCatalog, { kind: 'unity-catalog' })
    expect(replay).toBe(unityCatalog)
  })
})

describe('replayRegistry', () => {
  const HOST = 'https://dbc-1.cloud.databricks.com'
  const env = { DATABRICKS_HOST: HOST, DATABRICKS_TOKEN: 'dapi-test' }

  function syncConfig(inputs: InputValues = {}) {
    const settings = settingsFrom(
      { mode: 'sync', 'tracking-uri': 'databricks', ...inputs },
      env
    )
    return parseConfig(settings, process.cwd())
  }

  it('picks Unity Catalog for three parts', () => {
    const registry = replayRegistry(syncConfig(), MODEL)
    expect(registry).toEqual({ kind: 'unity-catalog' })
  })

  it('keeps one part in the workspace', () => {
    expect(replayRegistry(syncConfig(), 'churn').kind).toBe('tracking')
  })

  it('keeps a registry-uri naming the workspace', () => {
    const config = syncConfig({ 'registry-uri': HOST })
    expect(replayRegistry(config, MODEL).kind).toBe('tracking')
  })
})
