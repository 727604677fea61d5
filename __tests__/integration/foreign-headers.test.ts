/**
 * Who sent a 403 in MLflow's shape that carries `Server` or `Via`
 * headers. The fake server stamps `Server: uvicorn` on its own
 * responses, as MLflow 3.17.2 under uvicorn does, and a fault rule sends
 * the 403 with the headers of another server.
 */
import { afterEach, describe, expect, it, jest } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../src/fake-server/index.js'
import type { CannedResponse } from '../../src/fake-server/faults/canned.js'
import { runAction, type ActionRun } from '../support/registration.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

let server: FakeServer | undefined

afterEach(async () => {
  await server?.close()
  server = undefined
})

/** Registers a model while the version create gets `denial`. */
async function registerAgainst(denial: CannedResponse): Promise<ActionRun> {
  server = await startFakeServer()
  server.faults.respond('model-versions/create', denial, { method: 'POST' })
  return runAction({
    'tracking-uri': server.url,
    'model-name': 'fraud-model',
    'model-path': 'examples/model',
    aliases: 'champion'
  })
}

function errorMessage(run: ActionRun): string {
  return run.host.lines.find(line => line.level === 'error')?.message ?? ''
}

describe('a Permission denied refusal', () => {
  it('with foreign headers is not MLflow', async () => {
    const run = await registerAgainst({
      status: 403,
      headers: {
        'content-type': 'text/html; charset=utf-8',
        server: 'envoy',
        via: '1.1 corp'
      },
      body: 'Permission denied'
    })

    expect(run.host.outputs.get('diagnosis')).toBe('FORBIDDEN_NON_MLFLOW')
    const message = errorMessage(run)
    expect(message).toContain('Server: envoy, Via: 1.1 corp')
    expect(message).toContain('(Server: uvicorn)')
    expect(message).toContain("reads like MLflow's basic-auth app")
  })

  it("with MLflow's headers is a permission denial", async () => {
    const run = await registerAgainst({
      status: 403,
      headers: { 'content-type': 'text/html; charset=utf-8' },
      body: 'Permission denied'
    })

    expect(run.host.outputs.get('diagnosis')).toBe('FORBIDDEN_PERMISSION')
  })

  it('in the nested shape is a permission denial', async () => {
    const run = await registerAgainst({
      status: 403,
      body: { error: { code: 'PERMISSION_DENIED', message: 'no EDIT' } }
    })

    expect(run.host.outputs.get('diagnosis')).toBe('FORBIDDEN_PERMISSION')
  })
})
