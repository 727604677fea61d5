/**
 * When the temporary credentials of a Unity Catalog version are renewed,
 * against a loopback server that issues them with an expiration time
 * measured on a test clock.
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'

import { NoAuth } from '../../../src/auth/none.js'
import { HttpClient } from '../../../src/http/transport.js'
import type { ModelVersion } from '../../../src/mlflow/schemas.js'
import { StorageCredentials } from '../../../src/storage/storage-credentials.js'
import { recordingLogger } from '../fixtures/logger.js'
import { singleAttempt } from '../fixtures/retry-policy.js'

const MINUTE = 60_000
const VERSION: ModelVersion = {
  name: 'main.ml.churn',
  version: '1',
  tags: [],
  aliases: []
}

let clock = 0
let lifetime = 60 * MINUTE
let issued = 0
let server: Server
let dispatcher: Agent
let credentials: StorageCredentials

beforeEach(async () => {
  clock = 1_000_000
  issued = 0
  server = createServer((_request, response) => {
    issued++
    response.setHeader('content-type', 'application/json')
    response.end(
      JSON.stringify({
        credentials: { expiration_time: clock + lifetime }
      })
    )
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  dispatcher = new Agent()
  const log = recordingLogger()
  const http = new HttpClient({
    baseUrl: new URL(`http://127.0.0.1:${port}`),
    auth: new NoAuth(),
    dispatcher,
    timeoutMs: 5000,
    log,
    userAgent: 'mlflow-register-test',
    retry: singleAttempt()
  })
  credentials = new StorageCredentials(http, VERSION, log, () => clock)
})

afterEach(async () => {
  lifetime = 60 * MINUTE
  await dispatcher.destroy()
  await new Promise(resolve => server.close(resolve))
})

describe('StorageCredentials', () => {
  it('keeps credentials outside the margin', async () => {
    await credentials.forNextFile()
    clock += 50 * MINUTE
    await credentials.forNextFile()
    expect(issued).toBe(1)
  })

  it('renews within five minutes of expiry', async () => {
    await credentials.forNextFile()
    await credentials.forNextFile()
    clock += 56 * MINUTE
    await credentials.forNextFile()
    expect(issued).toBe(2)
  })

  it('renews short-lived ones at half their lifetime', async () => {
    lifetime = 2 * MINUTE
    await credentials.forNextFile()
    await credentials.forNextFile()
    clock += 30_000
    await credentials.forNextFile()
    expect(issued).toBe(1)
    clock += 61_000
    await credentials.forNextFile()
    expect(issued).toBe(2)
  })

  it('keeps ones that arrive expired', async () => {
    lifetime = -MINUTE
    for (let file = 0; file < 5; file++) await credentials.forNextFile()
    expect(issued).toBe(1)
  })
})
