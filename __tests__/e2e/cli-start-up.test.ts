import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { CLI_ENTRY } from '../support/run-cli.js'
import {
  recordBuiltins,
  type BuiltinsRecorder
} from '../support/loaded-builtins.js'
import { testServers, uniqueModelName } from '../support/servers.js'
import {
  inheritedEnv,
  spawnNode,
  type ProcessResult
} from '../support/spawn-node.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

// The bundled CLI loads these of Node's modules only when it needs them.
// undici's HTTP/2 client, with TLS, loads for a connection that uses
// HTTP/2. Crypto loads for the first hash, random value, key or
// certificate, and V8 and vm for the first file streamed in chunks. Each
// takes milliseconds to load, which a preflight over plain HTTP wastes.
const LOADED_ON_DEMAND = ['http2', 'tls', 'crypto', 'v8', 'vm']

describe('CLI start-up', () => {
  let recorder: BuiltinsRecorder
  let result: ProcessResult
  let builtins: string[]

  beforeAll(async () => {
    recorder = await recordBuiltins()
    result = await spawnNode(
      CLI_ENTRY,
      [
        'preflight',
        ...['--tracking-uri', testServers().plain.url],
        ...['--model-name', uniqueModelName('start-up')]
      ],
      {
        env: { ...inheritedEnv(), NODE_OPTIONS: recorder.nodeOptions },
        cwd: recorder.directory
      }
    )
    builtins = await recorder.read()
  })

  afterAll(async () => {
    await recorder.remove()
  })

  it('runs the preflight', () => {
    expect(result.stderr).toContain('Preflight passed')
    expect(result.exitCode).toBe(0)
  })

  it('records the modules that the run loaded', () => {
    expect(builtins).toEqual(expect.arrayContaining(['http', 'net']))
  })

  it.each(LOADED_ON_DEMAND)('does not load node:%s', name => {
    expect(builtins).not.toContain(name)
  })
})
