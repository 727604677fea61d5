import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { api, send } from './fake-http.js'

let server: FakeServer
let lines: string[]

beforeEach(async () => {
  lines = []
  server = await startFakeServer({ log: line => lines.push(line) })
})

afterEach(async () => {
  await server.close()
})

describe('unexpected handler errors', () => {
  it('return 500 INTERNAL_ERROR and log', async () => {
    server.state.registry.listModels = () => {
      throw new Error('store broke')
    }
    const reply = await send(server, api('registered-models/search'))
    expect(reply.status).toBe(500)
    expect(JSON.parse(reply.text)).toMatchObject({
      error_code: 'INTERNAL_ERROR',
      message: 'store broke'
    })
    expect(lines).toEqual([
      'fake MLflow server: GET /api/2.0/mlflow/registered-models/search ' +
        'failed: store broke'
    ])
  })
})
