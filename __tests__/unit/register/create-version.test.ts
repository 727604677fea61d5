/**
 * The read-back rule for creates, against the in-process fake: a create
 * whose answer was lost is sent again only when a lookup by idempotency
 * key shows that it did not commit.
 */
import {
  afterEach,
  beforeEach,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'
import { Agent } from 'undici'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { HttpError } from '../../../src/http/errors.js'
import { HttpClient } from '../../../src/http/transport.js'
import type { RetryPolicy } from '../../../src/http/retry.js'
import {
  createVersion,
  ensureRegisteredModel,
  type VersionRequest
} from '../../../src/register/create-version.js'
import { IDEMPOTENCY_TAG } from '../../../src/register/provenance.js'
import { CREATE_REQUEST_TAG } from '../../../src/register/read-back-create.js'
import { fakeClient, type FakeClient } from '../fixtures/fake-client.js'
import { rejectionOf } from '../fixtures/thrown.js'

const MODEL = 'fraud-model'
const KEY = 'key-0001'
const CREATE = 'model-versions/create'
const GET_MODEL = 'registered-models/get'

const REQUEST: VersionRequest = {
  modelName: MODEL,
  source: { source: 's3://models/fraud/1' },
  tags: [{ key: IDEMPOTENCY_TAG, value: KEY }],
  idempotencyKey: KEY
}

const unavailable = { status: 503, body: 'busy' }
const locked = {
  status: 500,
  body: { error_code: 'INTERNAL_ERROR', message: 'database is locked' }
}

let server: FakeServer
let dispatcher: Agent

beforeEach(async () => {
  server = await startFakeServer()
  dispatcher = new Agent()
  server.state.registry.createModel(MODEL, [], undefined)
})

afterEach(async () => {
  await dispatcher.destroy()
  await server.close()
})

function client(retry: Partial<RetryPolicy> = {}): FakeClient {
  return fakeClient(server, dispatcher, retry)
}

/** Registers a version in the fake's store directly, as another job. */
function addVersion(source: string): void {
  server.state.registry.createVersion({
    name: MODEL,
    source,
    storageLocation: '',
    runId: '',
    runLink: '',
    description: '',
    tags: []
  })
}

function versionCount(): number {
  return server.state.registry.listVersions().filter(v => v.name === MODEL)
    .length
}

function createCount(): number {
  return server.requests.matching({ path: CREATE }).length
}

// A forced version carries the same key as the one before it, so only
// its request tag identifies the version that its own create committed.
describe('createVersion of a forced version', () => {
  const forced: VersionRequest = {
    ...REQUEST,
    requestTag: { key: CREATE_REQUEST_TAG, value: 'request-2' }
  }

  beforeEach(async () => {
    const { http, log } = client()
    await createVersion(http, REQUEST, log)
  })

  it.each([
    ['dropped', () => server.faults.dropAfterCommit(CREATE, { times: 1 })],
    [
      'refused',
      () => server.faults.respondAfterCommit(CREATE, unavailable, { times: 1 })
    ]
  ])('reads back its own create when %s', async (_case, fault) => {
    fault()
    const { http, log } = client()
    const version = await createVersion(http, forced, log)
    expect(version.version).toBe('2')
    expect(versionCount()).toBe(2)
  })

  it('sends again when nothing committed', async () => {
    server.faults.sequence(CREATE, [locked])
    const { http, log } = client()
    const version = await createVersion(http, forced, log)
    expect(version.version).toBe('2')
    expect(versionCount()).toBe(2)
  })

  // The exact reads cover the 20 newest versions; the search by the tag
  // finds the version past them.
  it('reads back its own create past 20 newer versions', async () => {
    server.faults.dropAfterCommit(CREATE, { times: 1 })
    // Taken unbound on purpose: the mock calls it on each client.
    const send = Reflect.get<HttpClient, 'send'>(HttpClient.prototype, 'send')
    let added = false
    const spy = jest
      .spyOn(HttpClient.prototype, 'send')
      .mockImplementation(function (this: HttpClient, request) {
        if (!added && request.path.endsWith(GET_MODEL)) {
          added = true
          for (let i = 0; i < 20; i++) addVersion(`s3://models/other/${i}`)
        }
        return send.call(this, request)
      })
    try {
      const { http, log } = client()
      const version = await createVersion(http, forced, log)
      expect(version.version).toBe('2')
      expect(versionCount()).toBe(22)
    } finally {
      spy.mockRestore()
    }
  })

  // A search that misses the new version leaves the exact reads, which
  // must match the whole tag and not an earlier forced version's.
  it.each([1, 2])(
    'reads back past an empty search after %i forced',
    async earlier => {
      const { http, log } = client()
      for (let i = 0; i < earlier; i++) {
        const requestTag = { key: CREATE_REQUEST_TAG, value: `old-${i}` }
        await createVersion(http, { ...REQUEST, requestTag }, log)
      }
      server.faults.setQuirks({ emptyVersionSearch: true })
      server.faults.dropAfterCommit(CREATE, { times: 1 })
      const version = await createVersion(http, forced, log)
      expect(version.version).toBe(String(2 + earlier))
      expect(versionCount()).toBe(2 + earlier)
      expect(createCount()).toBe(2 + earlier)
    }
  )

  it('stops the exact reads at its own version', async () => {
    const { http, log } = client()
    for (let i = 0; i < 3; i++) {
      const requestTag = { key: CREATE_REQUEST_TAG, value: `old-${i}` }
      await createVersion(http, { ...REQUEST, requestTag }, log)
    }
    server.faults.setQuirks({ emptyVersionSearch: true })
    server.faults.dropAfterCommit(CREATE, { times: 1 })
    server.requests.clear()
    const version = await createVersion(http, forced, log)
    expect(version.version).toBe('5')
    const reads = server.requests.matching({ path: 'model-versions/get' })
    expect(reads).toHaveLength(1)
  })

  it('tags the version with its request', async () => {
    const { http, log } = client()
    const version = await createVersion(http, forced, log)
    expect(version.tags).toContainEqual(forced.requestTag)
  })
})

describe('createVersion after a lost response', () => {
  it('reads back a committed create', async () => {
    server.faults.dropAfterCommit(CREATE, { times: 1 })
    const { http, log } = client()
    const version = await createVersion(http, REQUEST, log)
    expect(version.version).toBe('1')
    expect(versionCount()).toBe(1)
    expect(createCount()).toBe(1)
  })

  it('reads back past an incomplete search', async () => {
    server.faults.setQuirks({ emptyVersionSearch: true })
    server.faults.dropAfterCommit(CREATE, { times: 1 })
    const { http, log } = client()
    const version = await createVersion(http, REQUEST, log)
    expect(version.version).toBe('1')
    expect(versionCount()).toBe(1)
    expect(createCount()).toBe(1)
  })

  it('warns that the create had committed', async () => {
    server.faults.respondAfterCommit(CREATE, unavailable, { times: 1 })
    const { http, log } = client()
    await createVersion(http, REQUEST, log)
    expect(log.lines).toContain(
      'warning: The server reported HTTP 503 for create model version, ' +
        'but it had committed; continuing with the committed result.'
    )
  })

  it('sends again when nothing committed', async () => {
    server.faults.sequence(CREATE, [locked, unavailable])
    const { http, log } = client()
    const version = await createVersion(http, REQUEST, log)
    expect(version.version).toBe('1')
    expect(versionCount()).toBe(1)
    expect(createCount()).toBe(3)
  })

  it('logs the attempt number and reason', async () => {
    server.faults.sequence(CREATE, [locked])
    const { http, log } = client()
    await createVersion(http, REQUEST, log)
    expect(log.lines).toContain(
      'info: create model version did not commit (HTTP 500); sending it ' +
        'again (attempt 2 of 4) in 0.1 s'
    )
  })

  it('honours Retry-After between creates', async () => {
    const limited = { status: 429, headers: { 'retry-after': '3' } }
    server.faults.sequence(CREATE, [limited])
    const { http, log, sleeps } = client()
    await createVersion(http, REQUEST, log)
    expect(sleeps).toEqual([3000])
  })

  it('reads back after the last attempt', async () => {
    server.faults.sequence(CREATE, [unavailable, unavailable])
    server.faults.dropAfterCommit(CREATE, { times: 1 })
    const { http, log } = client({ maxAttempts: 3 })
    const version = await createVersion(http, REQUEST, log)
    expect(version.version).toBe('1')
    expect(versionCount()).toBe(1)
  })
})

describe('createVersion gives up', () => {
  it('after the last attempt', async () => {
    server.faults.respond(CREATE, unavailable)
    const { http, log } = client({ maxAttempts: 3 })
    const error = await rejectionOf(createVersion(http, REQUEST, log))
    expect((error as HttpError).response.status).toBe(503)
    expect(createCount()).toBe(3)
    expect(versionCount()).toBe(0)
  })

  it('when the next wait would pass the total time cap', async () => {
    server.faults.respond(CREATE, unavailable)
    const { http, log, sleeps } = client({ budgetMs: 250 })
    await rejectionOf(createVersion(http, REQUEST, log))
    expect(sleeps).toEqual([100])
    expect(createCount()).toBe(2)
  })

  it('when read-back retries would pass the cap', async () => {
    // The second read-back starts at 300 ms on the fake clock. Its GET
    // has a 500 ms budget of its own, so it would wait 100 and then
    // 200 ms more, but the create's budget ends at 500 ms.
    const limited = { status: 429, headers: { 'retry-after': '0.3' } }
    server.faults.respond(CREATE, limited)
    server.faults.sequence(GET_MODEL, [
      'pass',
      ...Array<typeof unavailable>(4).fill(unavailable)
    ])
    const { http, log, sleeps } = client({ budgetMs: 500 })
    const error = await rejectionOf(createVersion(http, REQUEST, log))
    expect((error as HttpError).response.status).toBe(503)
    expect(sleeps).toEqual([300, 100])
    expect(createCount()).toBe(2)
  })

  it('counts read-back time against the cap', async () => {
    // The read-back takes 300 ms, so a second create would start at
    // 400 ms, within the 500 ms budget, and a third one would not.
    server.faults.respond(CREATE, unavailable)
    server.faults.failTimes(GET_MODEL, 2, unavailable)
    const { http, log, sleeps } = client({ budgetMs: 500 })
    await rejectionOf(createVersion(http, REQUEST, log))
    expect(sleeps).toEqual([100, 200, 100])
    expect(createCount()).toBe(2)
  })

  it('counts read-back requests in the client', async () => {
    server.faults.respond(CREATE, unavailable)
    const { http, log } = client({ maxAttempts: 2 })
    await rejectionOf(createVersion(http, REQUEST, log))
    expect(http.requestCount).toBe(server.requests.entries.length)
  })

  it.each([400, 401, 403, 404, 409, 413])(
    'at once on HTTP %d',
    async status => {
      server.faults.respond(CREATE, { status, body: 'no' })
      const { http, log, sleeps } = client()
      const error = await rejectionOf(createVersion(http, REQUEST, log))
      expect((error as HttpError).response.status).toBe(status)
      expect(createCount()).toBe(1)
      expect(sleeps).toEqual([])
    }
  )
})

describe('ensureRegisteredModel after a lost response', () => {
  it('reads back a committed model', async () => {
    const name = 'churn-model'
    server.faults.dropAfterCommit('registered-models/create', { times: 1 })
    const { http, log } = client()
    await ensureRegisteredModel(http, name, log)
    expect(server.state.registry.findModel(name)?.name).toBe(name)
    expect(
      server.requests.matching({ path: 'registered-models/create' })
    ).toHaveLength(1)
  })
})

describe('ensureRegisteredModel losing a create race', () => {
  const CREATE_MODEL = 'registered-models/create'

  it('takes 400 RESOURCE_ALREADY_EXISTS as success', async () => {
    const { http, log } = client()
    await ensureRegisteredModel(http, MODEL, log)
    expect(server.requests.matching({ path: CREATE_MODEL })).toHaveLength(1)
    expect(server.requests.matching({ path: GET_MODEL })).toHaveLength(1)
    expect(log.lines.join('\n')).toContain('was created meanwhile')
  })

  it('takes 409 ALREADY_EXISTS as success', async () => {
    server.faults.respond(CREATE_MODEL, {
      status: 409,
      body: { error_code: 'ALREADY_EXISTS', message: 'exists' }
    })
    const { http, log } = client()
    await ensureRegisteredModel(http, MODEL, log)
    expect(server.requests.matching({ path: GET_MODEL })).toHaveLength(1)
  })

  it('stops when the existing model is invisible', async () => {
    server.faults.respond(GET_MODEL, {
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'not found' }
    })
    const { http, log } = client()
    const error = await rejectionOf(ensureRegisteredModel(http, MODEL, log))
    expect(error).toBeInstanceOf(DiagnosedError)
    const { diagnosis } = error as DiagnosedError
    expect(diagnosis.code).toBe('FORBIDDEN_PERMISSION')
    expect(diagnosis.detail).toContain('invisible to this identity')
    expect(server.requests.matching({ path: CREATE_MODEL })).toHaveLength(1)
  })
})
