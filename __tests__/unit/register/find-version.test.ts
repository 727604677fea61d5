/**
 * The idempotency lookup against the in-process fake: one search of the
 * newest versions in the common case, and the search by tag when that
 * page cannot show that no version carries the key.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { getRegisteredModel } from '../../../src/mlflow/registry.js'
import type { ModelVersion } from '../../../src/mlflow/schemas.js'
import { findVersionByKey } from '../../../src/register/find-version.js'
import { IDEMPOTENCY_TAG } from '../../../src/register/provenance.js'
import { CREATE_REQUEST_TAG } from '../../../src/register/read-back-create.js'
import { fakeClient, type FakeClient } from '../fixtures/fake-client.js'

const MODEL = 'churn'
const KEY = 'key-of-this-run'
const SEARCH = 'model-versions/search'

let server: FakeServer
let dispatcher: Agent
let client: FakeClient

beforeEach(async () => {
  server = await startFakeServer()
  dispatcher = new Agent()
  client = fakeClient(server, dispatcher)
  server.state.registry.createModel(MODEL, [], '')
})

afterEach(async () => {
  await dispatcher.destroy()
  await server.close()
})

/** Adds `count` versions; the one numbered `keyed` carries the key. */
function addVersions(count: number, keyed?: number, name = MODEL): void {
  for (let number = 1; number <= count; number++) {
    const key = number === keyed ? KEY : `key-${number}`
    server.state.registry.createVersion({
      name,
      source: `s3://bucket/model-${number}`,
      storageLocation: `s3://bucket/model-${number}`,
      runId: '',
      runLink: '',
      description: '',
      tags: [{ key: IDEMPOTENCY_TAG, value: key }]
    })
  }
}

async function find(seen?: Map<string, ModelVersion>, name = MODEL) {
  const model = await getRegisteredModel(client.http, name)
  server.requests.clear()
  return findVersionByKey(client.http, name, KEY, client.log, model, seen)
}

describe('findVersionByKey', () => {
  it('concludes from one search', async () => {
    addVersions(3)
    expect(await find()).toBeUndefined()
    expect(server.requests.entries).toHaveLength(1)
    expect(server.requests.matching({ path: SEARCH })).toHaveLength(1)
  })

  it('confirms a match by an exact read', async () => {
    addVersions(3, 2)
    const found = await find()
    expect(found?.version).toBe('2')
    expect(server.requests.entries.map(entry => entry.path)).toEqual([
      expect.stringMatching(/model-versions\/search$/),
      expect.stringMatching(/model-versions\/get$/)
    ])
  })

  it('keeps the searched versions', async () => {
    addVersions(3)
    const seen = new Map<string, ModelVersion>()
    await find(seen)
    expect([...seen.keys()].sort()).toEqual(['1', '2', '3'])
    expect(seen.get('2')?.tags).toContainEqual({
      key: IDEMPOTENCY_TAG,
      value: 'key-2'
    })
  })

  it('searches by tag past a full page', async () => {
    addVersions(205, 3)
    const found = await find()
    expect(found?.version).toBe('3')
    expect(server.requests.matching({ path: SEARCH })).toHaveLength(2)
  })

  it('reads one by one when search lacks the newest', async () => {
    addVersions(3, 3)
    server.faults.setQuirks({ emptyVersionSearch: true })
    const found = await find()
    expect(found?.version).toBe('3')
    const warnings = client.log.lines.filter(l => l.startsWith('warning:'))
    expect(warnings).toEqual([
      expect.stringContaining('returned no version 3, which exists')
    ])
  })
})

describe('findVersionByKey with forced versions', () => {
  /** Adds one version with the key; a forced one has a request tag. */
  function addKeyed(forced: boolean): void {
    const number = server.state.registry.listVersions().length + 1
    server.state.registry.createVersion({
      name: MODEL,
      source: `s3://bucket/model-${number}`,
      storageLocation: `s3://bucket/model-${number}`,
      runId: '',
      runLink: '',
      description: '',
      tags: [
        { key: IDEMPOTENCY_TAG, value: KEY },
        ...(forced ? [{ key: CREATE_REQUEST_TAG, value: `id-${number}` }] : [])
      ]
    })
  }

  function warnings(): string[] {
    return client.log.lines.filter(l => l.startsWith('warning:'))
  }

  it('prefers an unforced version and sees no duplicate', async () => {
    addKeyed(true)
    addKeyed(false)
    expect((await find())?.version).toBe('2')
    expect(warnings()).toEqual([])
  })

  it('names only unforced versions as duplicates', async () => {
    addKeyed(false)
    addKeyed(true)
    addKeyed(false)
    expect((await find())?.version).toBe('1')
    expect(warnings()).toEqual([expect.stringContaining('Versions 1, 3 of')])
  })

  it('reuses a forced version when no other has the key', async () => {
    addKeyed(true)
    addKeyed(true)
    expect((await find())?.version).toBe('1')
    expect(warnings()).toEqual([])
  })
})

describe('findVersionByKey for a name with a quote', () => {
  const QUOTED = "it's"

  beforeEach(() => {
    server.state.registry.createModel(QUOTED, [], '')
    addVersions(2, undefined, MODEL)
  })

  it('concludes without a warning', async () => {
    addVersions(3, undefined, QUOTED)
    expect(await find(undefined, QUOTED)).toBeUndefined()
    expect(server.requests.matching({ path: SEARCH })).toHaveLength(2)
    expect(client.log.lines.filter(l => l.startsWith('warning:'))).toEqual([])
  })

  it('finds its version by tag', async () => {
    addVersions(3, 2, QUOTED)
    expect((await find(undefined, QUOTED))?.version).toBe('2')
  })

  it('warns when search lacks the newest', async () => {
    addVersions(3, 3, QUOTED)
    server.faults.setQuirks({ emptyVersionSearch: true })
    expect((await find(undefined, QUOTED))?.version).toBe('3')
    const warnings = client.log.lines.filter(l => l.startsWith('warning:'))
    expect(warnings).toHaveLength(1)
  })
})
