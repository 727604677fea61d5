/**
 * Deferral decisions for faults a real MLflow server cannot be made to
 * produce on demand (persistent 5xx, 429, dropped connections, an outage
 * between the create and the alias), run in-process against the fake.
 */
import { generateKeyPairSync } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  symlinkSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import { run } from '../../../src/main.js'
import { directoryDigest } from '../../../src/provenance/registration-signing.js'
import { readModelDirectory } from '../../../src/register/model-directory.js'
import { RecordingHost } from '../../support/recording-host.js'

const ROOT = path.resolve(import.meta.dirname, '../../..')
let server: FakeServer
let bundleDir: string

beforeEach(async () => {
  server = await startFakeServer()
  bundleDir = mkdtempSync(path.join(tmpdir(), 'deferral-faults-'))
})

afterEach(async () => {
  await server.close()
  rmSync(bundleDir, { recursive: true, force: true })
})

function env(runId: string): NodeJS.ProcessEnv {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'hokusai/mlflow-register',
    GITHUB_RUN_ID: runId,
    GITHUB_WORKFLOW: 'unit',
    GITHUB_WORKSPACE: ROOT
  }
}

async function register(extra: Record<string, string> = {}) {
  const host = new RecordingHost(
    {
      'tracking-uri': server.url,
      'model-name': 'fraud-model',
      'model-path': 'examples/model',
      aliases: 'champion',
      'bundle-dir': bundleDir,
      'max-attempts': '2',
      ...extra
    },
    env('7')
  )
  const result = await run(host)
  return { host, result }
}

async function sync() {
  const host = new RecordingHost(
    { mode: 'sync', 'tracking-uri': server.url, 'bundle-dir': bundleDir },
    env('8')
  )
  const result = await run(host)
  return { host, result }
}

describe('deferral on an unavailable server', () => {
  it.each([500, 502, 503, 504, 429])('defers on HTTP %i', async status => {
    server.faults.respond(/./, { status, body: 'unavailable' })
    const { host, result } = await register()

    expect(result.outcome).toBe('deferred')
    expect(host.outputs.get('diagnosis')).toBe('SERVER_UNAVAILABLE')
    expect(host.failure).toBeUndefined()
    expect(readdirSync(bundleDir)).toHaveLength(1)
  })

  it('defers on dropped connections', async () => {
    server.faults.drop(/./)
    const { result } = await register()

    expect(result.outcome).toBe('deferred')
    expect(readdirSync(bundleDir)).toHaveLength(1)
  })

  it('fails the step with on-unavailable fail', async () => {
    server.faults.respond(/./, { status: 503 })
    const { host, result } = await register({ 'on-unavailable': 'fail' })

    expect(result.outcome).toBe('deferred')
    expect(host.failure).toMatch(/^SERVER_UNAVAILABLE/)
    expect(host.outputs.get('bundle-path')).not.toBe('')
    expect(readdirSync(bundleDir)).toHaveLength(1)
  })

  it.each([400, 404, 413])('never defers on HTTP %i', async status => {
    server.faults.respond(/./, { status, body: 'no' })
    const { result } = await register()

    expect(result.outcome).toBe('failed')
    expect(readdirSync(bundleDir)).toEqual([])
  })
})

describe('deferral of a model the artifact proxy cannot take', () => {
  let model: string

  beforeEach(() => {
    model = mkdtempSync(path.join(tmpdir(), 'unstorable-model-'))
    writeFileSync(path.join(model, 'MLmodel'), 'flavors: {}\n')
    writeFileSync(path.join(model, 'notes#1.txt'), 'a note')
  })

  afterEach(() => {
    rmSync(model, { recursive: true, force: true })
  })

  // A bundle of such names could never be synced, so the registration
  // fails on the names at once instead.
  // A three-part name goes to Unity Catalog only on Databricks.
  it.each(['fraud-model', 'risk.models.fraud'])(
    'fails on the file names of %s and writes no bundle',
    async modelName => {
      server.faults.respond(/./, { status: 503 })
      const { result } = await register({
        'model-path': model,
        'model-name': modelName
      })

      expect(result.outcome).toBe('failed')
      expect(result.diagnosis?.code).toBe('CLIENT_CONFIG')
      expect(result.diagnosis?.detail).toContain('"notes#1.txt"')
      expect(readdirSync(bundleDir)).toEqual([])
    }
  )
})

describe('registration that checks its source', () => {
  const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const verifyKey = publicKey.export({ type: 'spki', format: 'pem' })

  it.each([
    ['verify-signature', "verify its source's signature"],
    ['digest-source', "compute its source's model digest"]
  ])('fails instead of deferring with %s', async (input, reason) => {
    server.faults.respond(/./, { status: 503 })
    const { host, result } = await register({
      'model-path': '',
      source: 'runs:/0a1b2c/model',
      [input]: 'true',
      'verify-key': verifyKey.toString()
    })

    expect(result.outcome).toBe('failed')
    expect(host.outputs.get('diagnosis')).toBe('SERVER_UNAVAILABLE')
    expect(host.failure).toMatch(/^SERVER_UNAVAILABLE/)
    const log = host.logText()
    expect(log).toContain('The registration was not deferred')
    expect(log).toContain(reason)
    expect(log).toContain('run this registration again')
    expect(readdirSync(bundleDir)).toEqual([])
  })
})

describe('outage after the version was created', () => {
  it('records the version and sync adopts it', async () => {
    server.faults.respond('registered-models/alias', { status: 503 })
    const deferred = await register()
    const [bundle = ''] = readdirSync(bundleDir)
    const manifest = JSON.parse(
      readFileSync(path.join(bundleDir, bundle, 'manifest.json'), 'utf8')
    ) as { createdVersion?: string }

    expect(deferred.result.outcome).toBe('deferred')
    expect(manifest.createdVersion).toBe('1')

    server.faults.reset()
    const synced = await sync()
    const report = JSON.parse(
      synced.host.outputs.get('sync-report') ?? '[]'
    ) as { status: string; version: string }[]

    expect(report).toEqual([
      expect.objectContaining({ status: 'already-registered', version: '1' })
    ])
    const versions = server.state.registry
      .listVersions()
      .filter(version => version.name === 'fraud-model')
    expect(versions).toHaveLength(1)
  })
})

describe('deferral that cannot write its bundle', () => {
  // A model that no bundle may hold fails in the same way once the server
  // is back, so the registration fails on the model.
  it('fails on the model and names it once', async () => {
    const model = path.join(bundleDir, 'model')
    mkdirSync(model)
    writeFileSync(path.join(model, 'MLmodel'), 'flavors: {}\n')
    writeFileSync(path.join(bundleDir, 'secret.txt'), 'outside')
    symlinkSync('../secret.txt', path.join(model, 'leak.txt'))
    server.faults.respond(/./, { status: 503, body: 'unavailable' })
    const { host, result } = await register({ 'model-path': model })

    expect(result.outcome).toBe('failed')
    expect(result.diagnosis?.code).toBe('CLIENT_CONFIG')
    expect(result.diagnosis?.detail).toContain('leak.txt is a symbolic link')
    expect(result.diagnosis?.fix).toContain(
      'Copy the file into the model directory'
    )
    const titles = host.lines.map(line => line.title)
    expect(titles).toContain('Registration not deferred: SERVER_UNAVAILABLE')
    expect(titles).not.toContain('Registry bundle not written')
  })
})

describe('deferral of a forced upload', () => {
  let model: string

  beforeEach(() => {
    model = mkdtempSync(path.join(tmpdir(), 'forced-upload-'))
    writeFileSync(path.join(model, 'MLmodel'), 'flavors: {}\n')
    writeFileSync(path.join(model, 'weights.bin'), Buffer.alloc(200_000, 7))
  })

  afterEach(() => {
    rmSync(model, { recursive: true, force: true })
  })

  // Such an upload hashes the large file as it sends it, so when the
  // file is never sent the digest comes from the bundle's copy.
  it('outputs the model digest of the bundle', async () => {
    server.faults.respond(/weights\.bin$/, { status: 503, body: 'down' })
    const { host, result } = await register({
      'model-path': model,
      'force-new-version': 'true'
    })
    expect(result.outcome).toBe('deferred')
    const directory = await readModelDirectory(model)
    expect(host.outputs.get('model-digest')).toBe(directoryDigest(directory))
  })
})
