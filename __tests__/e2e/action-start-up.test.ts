import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { runAction, type ActionResult } from '../support/run-action.js'
import {
  recordBuiltins,
  type BuiltinsRecorder
} from '../support/loaded-builtins.js'
import { testServers, uniqueModelName } from '../support/servers.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

// The bundled action loads these of Node's modules only when it needs
// them. For core.getIDToken, @actions/core imports @actions/http-client,
// which loads HTTPS, TLS and a copy of undici that loads zlib and worker
// threads. For core.platform, it imports @actions/exec, which loads
// child processes. scripts/lazy-actions-core.mjs defers both imports.
// undici's HTTP/2 client loads for a connection that uses HTTP/2.
const LOADED_ON_DEMAND = [
  'https',
  'tls',
  'http2',
  'zlib',
  'worker_threads',
  'child_process'
]

describe('action start-up', () => {
  let recorder: BuiltinsRecorder
  let result: ActionResult
  let builtins: string[]

  beforeAll(async () => {
    recorder = await recordBuiltins()
    result = await runAction({
      inputs: {
        mode: 'preflight',
        'tracking-uri': testServers().plain.url,
        'model-name': uniqueModelName('action-start-up')
      },
      env: { NODE_OPTIONS: recorder.nodeOptions }
    })
    builtins = await recorder.read()
  })

  afterAll(async () => {
    await recorder.remove()
  })

  it('runs the preflight', () => {
    expect(result.stdout).toContain('Preflight passed')
    expect(result.exitCode).toBe(0)
  })

  it('records the modules that the run loaded', () => {
    expect(builtins).toEqual(expect.arrayContaining(['http', 'net']))
  })

  it.each(LOADED_ON_DEMAND)('does not load node:%s', name => {
    expect(builtins).not.toContain(name)
  })
})
