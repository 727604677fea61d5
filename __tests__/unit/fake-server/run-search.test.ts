import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { api, sendJson } from './fake-http.js'

let server: FakeServer
let experimentId: string

beforeEach(async () => {
  server = await startFakeServer()
  const reply = await sendJson(server, api('experiments/create'), {
    json: { name: 'uploads' }
  })
  experimentId = reply.body.experiment_id as string
})

afterEach(async () => {
  await server.close()
})

async function createRun(request: string): Promise<string> {
  const reply = await sendJson(server, api('runs/create'), {
    json: {
      experiment_id: experimentId,
      tags: [{ key: 'request', value: request }]
    }
  })
  const run = reply.body.run as { info: { run_id: string } }
  return run.info.run_id
}

async function searchRunIds(
  filter: string,
  experimentIds = [experimentId]
): Promise<string[] | undefined> {
  const reply = await sendJson(server, api('runs/search'), {
    json: { experiment_ids: experimentIds, filter }
  })
  expect(reply.status).toBe(200)
  const runs = reply.body.runs as { info: { run_id: string } }[] | undefined
  return runs?.map(run => run.info.run_id)
}

describe('runs/search', () => {
  it('finds a run by tag', async () => {
    await createRun('a')
    const wanted = await createRun('b')
    expect(await searchRunIds("tags.`request` = 'b'")).toEqual([wanted])
  })

  it('omits runs when none match', async () => {
    await createRun('a')
    expect(await searchRunIds("tags.`request` = 'c'")).toBeUndefined()
  })

  it('searches only the given experiments', async () => {
    await createRun('a')
    expect(await searchRunIds("tags.`request` = 'a'", ['99'])).toBeUndefined()
  })
})
