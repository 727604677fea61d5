/**
 * The listing of a `runs:/` source that goes out with the preflight,
 * against the in-process fake: it is sent once, a failure leaves the
 * usual resolution to send its own requests, and it replaces the
 * listing that resolving would send.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { listSourceEarly, resolveSource } from '../../../src/register/source.js'
import { fakeClient, type FakeClient } from '../fixtures/fake-client.js'

const LIST = 'artifacts/list'
const DENIED = {
  status: 403,
  body: { error_code: 'PERMISSION_DENIED', message: 'no' }
}
const MLMODEL = 'flavors:\n  python_function: {}\n'

let server: FakeServer
let dispatcher: Agent
let source: string
let artifactRoot: string
/** Delays of the fake that are still waiting. Each ends with the test. */
let waiting: (() => void)[] = []

beforeEach(async () => {
  server = await startFakeServer({
    sleep: () => new Promise<void>(resolve => waiting.push(resolve))
  })
  dispatcher = new Agent()
  const run = server.state.tracking.createRun({
    experimentId: '0',
    userId: 'ci',
    startTime: 0,
    tags: []
  })
  artifactRoot = run.artifactUri
  const stored = `0/${run.runId}/artifacts/model`
  await server.state.artifacts.put(`${stored}/MLmodel`, Buffer.from(MLMODEL))
  source = `runs:/${run.runId}/model`
})

afterEach(async () => {
  for (const end of waiting) end()
  waiting = []
  await dispatcher.destroy()
  await server.close()
})

function client(): FakeClient {
  return fakeClient(server, dispatcher)
}

function listings(): number {
  return server.requests.matching({ path: LIST }).length
}

function downloads(): number {
  return server.requests.matching({ path: /\/MLmodel$/ }).length
}

/** Waits until `check` returns true, for at most two seconds. */
async function eventually(check: () => boolean): Promise<void> {
  for (let waited = 0; !check() && waited < 2000; waited += 5) {
    await new Promise(resolve => setTimeout(resolve, 5))
  }
  expect(check()).toBe(true)
}

describe('listSourceEarly', () => {
  it('lists only runs:/ sources', () => {
    const { http } = client()
    expect(listSourceEarly(http, 'models:/m-0123')).toBeUndefined()
    expect(listSourceEarly(http, 's3://bucket/model')).toBeUndefined()
  })

  it('replaces the first release listing', async () => {
    const { http, log } = client()
    const early = listSourceEarly(http, source)
    const resolved = await resolveSource(http, source, log, false, early)
    expect(resolved.source).toBe(`${artifactRoot}/model`)
    expect(server.requests.entries.map(entry => entry.path)).toEqual([
      '/api/2.0/mlflow/artifacts/list'
    ])
  })

  it('reads run and MLmodel together', async () => {
    server.faults.delay('runs/get', 1)
    const { http, log } = client()
    const early = listSourceEarly(http, source)
    const resolving = resolveSource(http, source, log, true, early)
    // The run's read is held, and the download arrives meanwhile.
    await eventually(() => waiting.length === 1)
    await eventually(() => downloads() === 1)
    for (const end of waiting.splice(0)) end()

    const resolved = await resolving
    expect(resolved.reads?.modelText).toBe(MLMODEL)
    expect(resolved.reads?.run.info.artifact_uri).toBe(artifactRoot)
    expect(listings()).toBe(1)
    expect(server.requests.matching({ path: 'runs/get' })).toHaveLength(1)
  })

  it('reads the run once when MLmodel is gone', async () => {
    server.faults.respond(/\/MLmodel$/, {
      status: 404,
      body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'gone' }
    })
    const { http, log } = client()
    const early = listSourceEarly(http, source)
    await expect(resolveSource(http, source, log, true, early)).rejects.toThrow(
      'holds no model'
    )
    expect(server.requests.matching({ path: 'runs/get' })).toHaveLength(1)
  })

  it("reports the run's error first", async () => {
    server.faults.add({ path: 'runs/get', delayMs: 1, respond: DENIED })
    server.faults.respond(/\/MLmodel$/, { status: 401, body: 'no' })
    const { http, log } = client()
    const early = listSourceEarly(http, source)
    const resolving = resolveSource(http, source, log, true, early)
    resolving.catch(() => undefined)
    // The run's 403 is held until the download's 401 has come back.
    await eventually(() => waiting.length === 1)
    await eventually(() => downloads() === 1)
    await new Promise(resolve => setTimeout(resolve, 50))
    for (const end of waiting.splice(0)) end()

    await expect(resolving).rejects.toThrow('runs/get returned HTTP 403')
  })

  it('fails only after both reads end', async () => {
    server.faults.respond('runs/get', DENIED)
    server.faults.delay(/\/MLmodel$/, 1)
    const { http, log } = client()
    const early = listSourceEarly(http, source)
    let settled = false
    const resolving = resolveSource(http, source, log, true, early)
    resolving.catch(() => undefined).finally(() => (settled = true))
    // The run's 403 comes back while the download is held.
    await eventually(() => waiting.length === 1)
    await new Promise(resolve => setTimeout(resolve, 50))
    expect(settled).toBe(false)
    for (const end of waiting.splice(0)) end()

    await expect(resolving).rejects.toThrow('runs/get returned HTTP 403')
  })

  it('fails once, then resolving lists', async () => {
    server.faults.failTimes(LIST, 1, { status: 503, body: 'busy' })
    const { http, log, sleeps } = client()
    const early = listSourceEarly(http, source)
    expect(await early?.result).toBeUndefined()
    expect(listings()).toBe(1)
    expect(sleeps).toEqual([])

    const resolved = await resolveSource(http, source, log, false, early)
    expect(resolved.source).toBe(`${artifactRoot}/model`)
    expect(listings()).toBe(2)
    expect(log.lines.join('\n')).not.toMatch(/Retrying/)
  })

  it('leaves errors to resolving', async () => {
    const missing = 'runs:/0123456789abcdef0123456789abcdef/model'
    const { http, log } = client()
    const early = listSourceEarly(http, missing)
    expect(await early?.result).toBeUndefined()
    await expect(
      resolveSource(http, missing, log, false, early)
    ).rejects.toThrow('the tracking server has no run')
  })

  it('stops when cancelled', async () => {
    server.faults.delay(LIST, 1)
    const { http, log } = client()
    const early = listSourceEarly(http, source)
    await eventually(() => waiting.length === 1)
    early?.cancel()
    expect(await early?.result).toBeUndefined()
    expect(log.lines).toEqual([])
  })

  it('ignores another source', async () => {
    const { http, log } = client()
    const early = listSourceEarly(http, source)
    await early?.result
    const other = 'runs:/0123456789abcdef0123456789abcdef/model'
    await expect(resolveSource(http, other, log, false, early)).rejects.toThrow(
      'the tracking server has no run'
    )
  })
})
