/**
 * Real MLflow servers started with settings that break a client which
 * does not expect them: a static prefix together with a host check, a
 * registry store URI whose scheme MLflow has no registry store for, and
 * a registry database that breaks after the server started. Each server
 * belongs to this file and is stopped by it.
 */
import {
  closeSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  rmSync,
  writeSync
} from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  startMlflowServer,
  stopMlflowServer,
  type MlflowServer
} from '../../scripts/mlflow/servers.mjs'
import { runAction, type ActionRun } from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'

// Three server starts, which take minutes on a busy runner.
jest.setTimeout(600_000)

const ROOT = path.resolve(import.meta.dirname, '../..')

let stateDir: string
let prefixed: MlflowServer
let noRegistry: MlflowServer
let brokenRegistry: MlflowServer
let registryDatabase: string

beforeAll(async () => {
  mkdirSync(path.join(ROOT, '.test-state'), { recursive: true })
  stateDir = mkdtempSync(path.join(ROOT, '.test-state', 'settings-'))
  // startMlflowServer creates the server's folder before the server
  // starts, and the server creates and migrates the database file.
  registryDatabase = path.join(stateDir, 'broken-registry', 'registry.db')
  const started = await Promise.allSettled([
    startMlflowServer({
      name: 'prefixed',
      stateDir,
      prefix: '/mlflow',
      extraArgs: [
        '--static-prefix',
        '/mlflow',
        '--allowed-hosts',
        '127.0.0.1:*'
      ]
    }),
    startMlflowServer({
      name: 'no-registry',
      stateDir,
      // A scheme with no registry store. MLflow 3.17 starts anyway and
      // refuses each registry call, as older servers did for `file:`.
      extraArgs: ['--registry-store-uri', 'unsupported-store:///registry']
    }),
    startMlflowServer({
      name: 'broken-registry',
      stateDir,
      extraArgs: ['--registry-store-uri', `sqlite:///${registryDatabase}`]
    })
  ])
  // A server that did start is kept, so afterAll stops it either way.
  const [first, second, third] = started
  if (first.status === 'fulfilled') prefixed = first.value
  if (second.status === 'fulfilled') noRegistry = second.value
  if (third.status === 'fulfilled') brokenRegistry = third.value
  for (const result of started) {
    if (result.status === 'rejected') throw result.reason
  }
})

afterAll(async () => {
  for (const server of [prefixed, noRegistry, brokenRegistry]) {
    if (server as MlflowServer | undefined) await stopMlflowServer(server)
  }
  rmSync(stateDir, { recursive: true, force: true })
})

function register(trackingUri: string): Promise<ActionRun> {
  return runAction({
    'tracking-uri': trackingUri,
    'model-name': uniqueModelName('settings'),
    'model-path': 'examples/model',
    'experiment-name': uniqueModelName('settings-uploads'),
    'max-attempts': '3'
  })
}

function preflight(trackingUri: string): Promise<ActionRun> {
  return runAction({
    'tracking-uri': trackingUri,
    mode: 'preflight',
    'model-name': 'fraud-model',
    'max-attempts': '3'
  })
}

/** Checks what every configuration failure must hold. */
function expectFinalFailure(run: ActionRun): void {
  expect(run.result.outcome).toBe('failed')
  expect(run.result.bundle).toBeUndefined()
  expect(run.host.logText()).not.toContain('Retrying')
}

describe('a server with a static prefix', () => {
  it('registers with the prefix', async () => {
    const run = await register(`${prefixed.url}/mlflow`)
    expect(run.result.outcome).toBe('registered')
  })

  it('registers with a trailing slash', async () => {
    const run = await register(`${prefixed.url}/mlflow/`)
    expect(run.result.outcome).toBe('registered')
  })

  it('missing prefix is BASE_PATH', async () => {
    const run = await preflight(prefixed.url)
    expect(run.result.diagnosis?.code).toBe('BASE_PATH')
    expect(run.result.diagnosis?.detail).toContain(
      `${prefixed.url}/api/2.0/mlflow/`
    )
    expect(run.result.diagnosis?.detail).toContain('HTTP 404')
    expectFinalFailure(run)
  })
})

describe('a server whose host check excludes the name used', () => {
  let run: ActionRun
  let host: string

  beforeAll(async () => {
    // The server allows 127.0.0.1 only, so the same loopback server under
    // the name localhost fails MLflow's host check.
    const url = new URL(`${prefixed.url}/mlflow`)
    url.hostname = 'localhost'
    host = url.host
    run = await register(url.href)
  })

  it('host check is SERVER_CONFIG', () => {
    expect(run.result.diagnosis?.code).toBe('SERVER_CONFIG')
  })

  it('message quotes the Host header sent', () => {
    expect(run.result.diagnosis?.detail).toContain(host)
  })

  it('message clears the credentials', () => {
    const text = `${run.result.diagnosis?.detail ?? ''} ${
      run.result.diagnosis?.fix ?? ''
    }`
    expect(text).toContain('allowed-hosts')
    expect(text).not.toMatch(/permission denied/i)
  })

  it('is neither retried nor deferred', () => {
    expectFinalFailure(run)
  })
})

describe('a server with no model registry', () => {
  let run: ActionRun

  beforeAll(async () => {
    run = await preflight(noRegistry.url)
  })

  it('tracking API still answers', async () => {
    const response = await fetch(
      `${noRegistry.url}/api/2.0/mlflow/experiments/search?max_results=1`
    )
    expect(response.status).toBe(200)
  })

  it('registry refusal is SERVER_CONFIG', () => {
    expect(run.result.diagnosis?.code).toBe('SERVER_CONFIG')
    expect(run.result.diagnosis?.detail).toContain('no model registry')
    expect(run.result.diagnosis?.evidence.mlflowErrorCode).toBe(
      'INVALID_PARAMETER_VALUE'
    )
  })

  it('is neither retried nor deferred', () => {
    expectFinalFailure(run)
  })

  it('writes the report with the diagnosis', () => {
    expect(run.host.outputs.get('report-path')).toMatch(/preflight-report/)
  })
})

describe('a server whose registry database is broken', () => {
  let checked: ActionRun
  let registered: ActionRun

  beforeAll(async () => {
    // Overwriting the SQLite header makes every registry query fail with
    // "file is not a database". MLflow 3.17.2 then fails registry calls
    // with Flask's bare HTML 500 page, while its tracking store works.
    const file = openSync(registryDatabase, 'r+')
    writeSync(file, Buffer.alloc(4096, 'not a database '))
    closeSync(file)
    checked = await preflight(brokenRegistry.url)
    registered = await register(brokenRegistry.url)
  })

  it('registry read is a bare 500', async () => {
    const response = await fetch(
      `${brokenRegistry.url}/api/2.0/mlflow/registered-models/search`
    )
    expect(response.status).toBe(500)
    expect(await response.text()).not.toContain('error_code')
  })

  it('preflight is SERVER_CONFIG', () => {
    expect(checked.result.diagnosis?.code).toBe('SERVER_CONFIG')
    expect(checked.result.diagnosis?.evidence.status).toBe(500)
  })

  it('message says the tracking API works', () => {
    const detail = checked.result.diagnosis?.detail ?? ''
    expect(detail).toContain('answered search experiments')
    expect(detail).toContain('no working model registry')
  })

  it('registration is SERVER_CONFIG', () => {
    expect(registered.result.diagnosis?.code).toBe('SERVER_CONFIG')
  })

  it('registration is not deferred', () => {
    expect(registered.result.outcome).toBe('failed')
    expect(registered.result.bundle).toBeUndefined()
  })
})
