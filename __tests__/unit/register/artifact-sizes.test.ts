/**
 * Size checks of artifacts against the in-process fake: uploads whose
 * stored size differs from the file, and downloads that arrive short
 * with status 200.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { Agent } from 'undici'

import { NoAuth } from '../../../src/auth/none.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { HttpClient } from '../../../src/http/transport.js'
import {
  downloadCheckedText,
  verifyUploadedSizes
} from '../../../src/mlflow/artifact-sizes.js'
import { recordingLogger } from '../fixtures/logger.js'
import { rejectionOf } from '../fixtures/thrown.js'

const ROOT = '1/0123456789abcdef0123456789abcdef/artifacts/model'
const MLMODEL = 'flavors:\n  python_function: {}\n'
const MLMODEL_PATH = `/api/2.0/mlflow-artifacts/artifacts/${ROOT}/MLmodel`

let server: FakeServer
let dispatcher: Agent

beforeEach(async () => {
  server = await startFakeServer()
  dispatcher = new Agent()
  await server.state.artifacts.put(`${ROOT}/MLmodel`, Buffer.from(MLMODEL))
  await server.state.artifacts.put(`${ROOT}/data/model.pkl`, Buffer.alloc(10))
})

afterEach(async () => {
  await dispatcher.destroy()
  await server.close()
})

function client(): HttpClient {
  return new HttpClient({
    baseUrl: new URL(server.url),
    auth: new NoAuth(),
    dispatcher,
    timeoutMs: 5000,
    log: recordingLogger(),
    userAgent: 'mlflow-register-test',
    retry: {
      maxAttempts: 1,
      baseDelayMs: 0,
      maxDelayMs: 0,
      maxRetryAfterMs: 0,
      budgetMs: 1000,
      sleep: () => Promise.resolve(),
      random: () => 1,
      now: () => 0
    }
  })
}

async function diagnosisOf(promise: Promise<unknown>) {
  const error = await rejectionOf(promise)
  if (!(error instanceof DiagnosedError)) throw error
  return error.diagnosis
}

describe('verifyUploadedSizes', () => {
  const files = [
    { relativePath: 'MLmodel', size: MLMODEL.length },
    { relativePath: 'data/model.pkl', size: 10 }
  ]

  it('passes when every size matches', async () => {
    await verifyUploadedSizes(client(), ROOT, files)
    const lists = server.requests.matching({
      method: 'GET',
      path: '/api/2.0/mlflow-artifacts/artifacts'
    })
    expect(lists).toHaveLength(2)
  })

  it('names a file stored short', async () => {
    const short = [{ relativePath: 'data/model.pkl', size: 11 }]
    const diagnosis = await diagnosisOf(
      verifyUploadedSizes(client(), ROOT, short)
    )
    expect(diagnosis.code).toBe('SERVER_CONFIG')
    expect(diagnosis.detail).toContain(`${ROOT}/data/model.pkl (11 bytes)`)
    expect(diagnosis.detail).toContain('lists 10 bytes')
  })

  it('names a file not listed', async () => {
    const missing = [{ relativePath: 'extra.txt', size: 1 }]
    const diagnosis = await diagnosisOf(
      verifyUploadedSizes(client(), ROOT, missing)
    )
    expect(diagnosis.detail).toContain('does not list it')
  })
})

describe('downloadCheckedText', () => {
  it('returns a whole file', async () => {
    expect(await downloadCheckedText(client(), `${ROOT}/MLmodel`)).toBe(MLMODEL)
  })

  it('reads a short body once more', async () => {
    server.faults.respond(
      MLMODEL_PATH,
      { status: 200, body: '' },
      { method: 'GET', times: 1 }
    )
    expect(await downloadCheckedText(client(), `${ROOT}/MLmodel`)).toBe(MLMODEL)
    expect(server.requests.matching({ path: MLMODEL_PATH })).toHaveLength(2)
  })

  it('reports a body short twice', async () => {
    server.faults.respond(
      MLMODEL_PATH,
      {
        status: 200,
        headers: { via: '1.0 buffering-proxy' },
        body: MLMODEL.slice(0, 5)
      },
      { method: 'GET', times: 2 }
    )
    const diagnosis = await diagnosisOf(
      downloadCheckedText(client(), `${ROOT}/MLmodel`)
    )
    expect(diagnosis.code).toBe('SERVER_CONFIG')
    expect(diagnosis.detail).toContain(`with 5 bytes, twice`)
    expect(diagnosis.detail).toContain(`has ${MLMODEL.length} bytes`)
    expect(diagnosis.detail).toContain('Via: 1.0 buffering-proxy')
    expect(diagnosis.evidence.via).toBe('1.0 buffering-proxy')
  })
})
