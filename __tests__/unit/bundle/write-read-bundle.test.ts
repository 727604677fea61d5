import {
  appendFileSync,
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

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { readBundle } from '../../../src/bundle/read-bundle.js'
import {
  writeBundle,
  type WrittenBundle
} from '../../../src/bundle/write-bundle.js'
import { parseConfig } from '../../../src/config/parse-config.js'
import { DiagnosedError, diagnose } from '../../../src/diagnosis/diagnosis.js'
import { settingsFrom, type InputValues } from '../fixtures/settings.js'
import { rejectionOf } from '../fixtures/thrown.js'

const TOKEN = 'tok-never-in-a-bundle-7f3a'
let workspace: string
let bundles: string

beforeAll(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'bundle-unit-'))
  bundles = path.join(workspace, 'bundles')
  const model = path.join(workspace, 'model')
  mkdirSync(path.join(model, 'data'), { recursive: true })
  writeFileSync(path.join(model, 'MLmodel'), 'flavors: {}\n')
  writeFileSync(path.join(model, 'data', 'weights.bin'), Buffer.alloc(4096, 7))
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})

function write(inputs: InputValues = {}): Promise<WrittenBundle> {
  const config = parseConfig(
    settingsFrom({
      'tracking-uri': 'https://ci-bot:pw-1@mlflow.test/mlflow',
      'model-name': 'fraud-model',
      'model-path': 'model',
      token: TOKEN,
      tags: 'team=risk',
      aliases: 'champion',
      description: 'nightly',
      ...inputs
    }),
    workspace
  )
  return writeBundle({
    directory: bundles,
    config,
    provenance: { system: 'github-actions', runId: '42' },
    diagnosis: diagnose('UNREACHABLE', 'down', 'wait'),
    secrets: [TOKEN, 'pw-1'],
    now: new Date('2026-12-05T01:30:00Z')
  })
}

async function invalidReason(directory: string): Promise<string> {
  const error = await rejectionOf(readBundle(directory))
  if (!(error instanceof DiagnosedError)) throw error
  expect(error.diagnosis.code).toBe('BUNDLE_INVALID')
  return error.diagnosis.detail
}

describe('writeBundle', () => {
  it('writes a bundle that verifies', async () => {
    const written = await write()
    const read = await readBundle(written.path)
    expect(read.manifest).toEqual(written.manifest)
  })

  it('records the registration', async () => {
    const { manifest } = await write()
    expect(manifest.registration).toMatchObject({
      modelName: 'fraud-model',
      modelDirectory: 'model',
      description: 'nightly',
      tags: [{ key: 'team', value: 'risk' }],
      aliases: ['champion']
    })
    expect(manifest.trackingUri).toBe('https://mlflow.test/mlflow')
    expect(manifest.lastError?.code).toBe('UNREACHABLE')
  })

  it('lists every model file with its SHA-256', async () => {
    const { manifest } = await write()
    expect(manifest.files.map(file => file.path)).toEqual([
      'model/MLmodel',
      'model/data/weights.bin'
    ])
    expect(manifest.files[1]?.size).toBe(4096)
  })

  it('writes no credential', async () => {
    const written = await write()
    const text = readFileSync(path.join(written.path, 'manifest.json'), 'utf8')
    expect(text).not.toContain(TOKEN)
    expect(text).not.toContain('pw-1')
  })

  it('refuses a manifest holding a secret', async () => {
    const error = await rejectionOf(write({ description: `x ${TOKEN}` }))
    expect(String(error)).toMatch(/masked as a secret/)
  })

  it('leaves no staging directory behind', async () => {
    await rejectionOf(write({ description: TOKEN }))
    const names = readdirSync(bundles)
    expect(names.filter(name => name.startsWith('.'))).toEqual([])
  })

  it('gives a forced registration its own key', async () => {
    const first = await write({ 'force-new-version': 'true' })
    const second = await write({ 'force-new-version': 'true' })
    expect(first.manifest.registration.idempotencyKey).not.toBe(
      second.manifest.registration.idempotencyKey
    )
  })
})

describe('readBundle rejects', () => {
  it('a flipped byte in a model file', async () => {
    const written = await write()
    const file = path.join(written.path, 'model', 'data', 'weights.bin')
    const bytes = readFileSync(file)
    bytes[100] = (bytes[100] ?? 0) ^ 1
    writeFileSync(file, bytes)
    expect(await invalidReason(written.path)).toMatch(
      /model\/data\/weights\.bin does not match its SHA-256/
    )
  })

  it('a changed manifest', async () => {
    const written = await write()
    const file = path.join(written.path, 'manifest.json')
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.replace('fraud-model', 'other-model'))
    expect(await invalidReason(written.path)).toMatch(
      /manifest\.json does not match its recorded SHA-256/
    )
  })

  it('a file not in the manifest', async () => {
    const written = await write()
    writeFileSync(path.join(written.path, 'model', 'extra.py'), 'x')
    expect(await invalidReason(written.path)).toMatch(
      /model\/extra\.py is not in the manifest/
    )
  })

  it('a missing file', async () => {
    const written = await write()
    rmSync(path.join(written.path, 'model', 'MLmodel'))
    expect(await invalidReason(written.path)).toMatch(/MLmodel is missing/)
  })

  it('a symbolic link in place of a file', async () => {
    const written = await write()
    const file = path.join(written.path, 'model', 'MLmodel')
    rmSync(file)
    symlinkSync('/etc/hostname', file)
    expect(await invalidReason(written.path)).toMatch(/symbolic link/)
  })

  it('a symbolic link in place of the manifest', async () => {
    const written = await write()
    const file = path.join(written.path, 'manifest.json')
    const copy = path.join(workspace, 'manifest-copy.json')
    writeFileSync(copy, readFileSync(file))
    rmSync(file)
    symlinkSync(copy, file)
    expect(await invalidReason(written.path)).toMatch(
      /manifest\.json is a symbolic link/
    )
  })

  it('a bundle directory that is a link', async () => {
    const written = await write()
    const link = path.join(workspace, 'linked-bundle')
    symlinkSync(written.path, link)
    expect(await invalidReason(link)).toMatch(/symbolic link/)
  })

  it('a newer schema version', async () => {
    const written = await write()
    const file = path.join(written.path, 'manifest.json')
    const text = readFileSync(file, 'utf8').replace(
      '"schemaVersion": 1',
      '"schemaVersion": 2'
    )
    writeFileSync(file, text)
    const { createHash } = await import('node:crypto')
    const digest = createHash('sha256').update(text).digest('hex')
    writeFileSync(
      path.join(written.path, 'manifest.sha256'),
      `${digest}  manifest.json\n`
    )
    expect(await invalidReason(written.path)).toMatch(/schemaVersion 2/)
  })

  it('a truncated checksum file', async () => {
    const written = await write()
    writeFileSync(path.join(written.path, 'manifest.sha256'), '')
    appendFileSync(path.join(written.path, 'manifest.sha256'), 'abc')
    expect(await invalidReason(written.path)).toMatch(/recorded SHA-256/)
  })
})
