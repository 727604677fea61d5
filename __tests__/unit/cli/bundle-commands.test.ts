import {
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { writeBundle } from '../../../src/bundle/write-bundle.js'
import { runCli } from '../../../src/cli/main.js'
import { parseConfig } from '../../../src/config/parse-config.js'
import { diagnose } from '../../../src/diagnosis/diagnosis.js'
import { run } from '../../../src/main.js'
import { RecordingHost } from '../../support/recording-host.js'
import { settingsFrom } from '../fixtures/settings.js'

let workspace: string
let bundles: string
let validId: string
let damagedId: string

beforeAll(async () => {
  workspace = mkdtempSync(path.join(tmpdir(), 'bundle-commands-'))
  bundles = path.join(workspace, 'bundles')
  mkdirSync(path.join(workspace, 'model'))
  writeFileSync(path.join(workspace, 'model', 'MLmodel'), 'flavors: {}\n')
  const config = parseConfig(
    settingsFrom({
      'tracking-uri': 'https://mlflow.test',
      'model-name': 'fraud-model',
      'model-path': 'model'
    }),
    workspace
  )
  const write = (now: string) =>
    writeBundle({
      directory: bundles,
      config,
      provenance: { system: 'local' },
      diagnosis: diagnose('UNREACHABLE', 'down', 'wait'),
      secrets: [],
      now: new Date(now)
    })
  validId = path.basename((await write('2026-12-05T01:00:00Z')).path)
  const damaged = await write('2026-12-05T02:00:00Z')
  damagedId = path.basename(damaged.path)
  const file = path.join(damaged.path, 'model', 'MLmodel')
  writeFileSync(file, `${readFileSync(file, 'utf8')}# edited\n`)
})

afterAll(() => {
  rmSync(workspace, { recursive: true, force: true })
})

async function cli(argv: string[]) {
  let stdout = ''
  let stderr = ''
  const code = await runCli(
    argv,
    {},
    {
      stdout: text => (stdout += text),
      stderr: text => (stderr += text)
    }
  )
  return { code, stdout, stderr }
}

describe('list command', () => {
  it('lists each bundle with its model', async () => {
    const { code, stdout } = await cli(['list', '--bundle-dir', bundles])
    expect(code).toBe(0)
    expect(stdout).toContain(`${validId}  fraud-model  2026-12-05T01:00:00`)
  })

  it('marks a damaged bundle invalid', async () => {
    const { stdout } = await cli(['list', '--bundle-dir', bundles])
    expect(stdout).toContain(`${damagedId}  INVALID: `)
  })

  it('counts bundles with invalid ones', async () => {
    const { stderr } = await cli(['list', '--bundle-dir', bundles])
    expect(stderr).toContain(`2 pending bundles in ${bundles} (1 invalid)`)
  })

  it('counts one bundle in the singular', async () => {
    const single = path.join(workspace, 'single')
    cpSync(path.join(bundles, validId), path.join(single, validId), {
      recursive: true
    })
    const { stderr } = await cli(['list', '--bundle-dir', single])
    expect(stderr).toContain(`1 pending bundle in ${single}\n`)
  })

  it('prints JSON with --json', async () => {
    const { stdout } = await cli(['list', '--bundle-dir', bundles, '--json'])
    const rows = JSON.parse(stdout) as { bundle: string }[]
    expect(rows.map(row => row.bundle)).toEqual([validId, damagedId])
  })
})

describe('show command', () => {
  it('prints the manifest of a valid bundle', async () => {
    const { code, stdout } = await cli([
      'show',
      validId,
      '--bundle-dir',
      bundles
    ])
    expect(code).toBe(0)
    expect(JSON.parse(stdout)).toMatchObject({ bundleId: validId })
  })

  it('fails on a damaged bundle', async () => {
    const { code, stderr } = await cli([
      'show',
      damagedId,
      '--bundle-dir',
      bundles
    ])
    expect(code).toBe(1)
    expect(stderr).toMatch(/model\/MLmodel does not match its SHA-256/)
  })

  it('says that an unknown id is not there', async () => {
    const { code, stderr } = await cli([
      'show',
      'nope',
      '--bundle-dir',
      bundles
    ])
    expect(code).toBe(1)
    expect(stderr).toMatch(/no bundle nope is in /)
    expect(stderr).toContain('mlflow-register list')
  })

  it('rejects a path as bundle id', async () => {
    const { code, stderr } = await cli([
      'show',
      '../bundles',
      '--bundle-dir',
      bundles
    ])
    expect(code).toBe(2)
    expect(stderr).toMatch(/is not a bundle id/)
  })

  it('rejects a version without its number', async () => {
    const { code, stderr } = await cli([
      'show',
      'fraud-model/latest',
      '--bundle-dir',
      bundles
    ])
    expect(code).toBe(2)
    expect(stderr).toMatch(/nor <model>\/<version> with a version number/)
    expect(stderr).toContain('fraud-model/3')
  })

  it('needs a bundle id', async () => {
    const { code, stderr } = await cli(['show', '--bundle-dir', bundles])
    expect(code).toBe(2)
    expect(stderr).toMatch(/needs a bundle id/)
  })
})

describe('local registry', () => {
  let registryDir: string

  beforeAll(async () => {
    registryDir = path.join(workspace, 'registry')
    const host = new RecordingHost(
      {
        offline: 'true',
        'model-name': 'fraud-model',
        'model-path': 'model',
        'registry-dir': registryDir,
        aliases: 'champion'
      },
      { GITHUB_WORKSPACE: workspace }
    )
    await run(host)
  })

  it('lists each version with its aliases', async () => {
    const { stdout } = await cli(['list', '--registry-dir', registryDir])
    expect(stdout).toMatch(/^fraud-model {2}version 1 {2}@champion {2}/m)
  })

  it('lists local rows in JSON', async () => {
    const { stdout } = await cli([
      'list',
      '--registry-dir',
      registryDir,
      '--json'
    ])
    const rows = JSON.parse(stdout) as { kind: string; version?: string }[]
    expect(rows).toEqual([
      expect.objectContaining({ kind: 'local', version: '1' })
    ])
  })

  it('shows a version by model and number', async () => {
    const { code, stdout } = await cli([
      'show',
      'fraud-model/1',
      '--registry-dir',
      registryDir
    ])
    expect(code).toBe(0)
    const shown = JSON.parse(stdout) as { local: { version: string } }
    expect(shown.local.version).toBe('1')
  })
})

describe('damaged local version', () => {
  let registryDir: string
  let bundleId: string

  beforeAll(async () => {
    registryDir = path.join(workspace, 'damaged-registry')
    const host = new RecordingHost(
      {
        offline: 'true',
        'model-name': 'fraud-model',
        'model-path': 'model',
        'registry-dir': registryDir
      },
      { GITHUB_WORKSPACE: workspace }
    )
    await run(host)
    const [entry = ''] = readdirSync(registryDir)
    bundleId = entry
    const file = path.join(registryDir, entry, 'model', 'MLmodel')
    writeFileSync(file, `${readFileSync(file, 'utf8')}# edited\n`)
  })

  it('fails show by model and number', async () => {
    const { code, stderr } = await cli([
      'show',
      'fraud-model/1',
      '--registry-dir',
      registryDir
    ])
    expect(code).toBe(1)
    expect(stderr).toContain('failed verification')
    expect(stderr).toContain('model/MLmodel')
  })

  it('fails show by bundle id', async () => {
    const { code, stderr } = await cli([
      'show',
      bundleId,
      '--registry-dir',
      registryDir,
      '--bundle-dir',
      bundles
    ])
    expect(code).toBe(1)
    expect(stderr).toContain('failed verification')
  })

  it('counts the invalid version in list', async () => {
    const { stderr } = await cli([
      'list',
      '--registry-dir',
      registryDir,
      '--bundle-dir',
      path.join(workspace, 'no-bundles')
    ])
    expect(stderr).toContain(
      `1 version in the local registry at ${registryDir} (1 invalid)`
    )
  })

  it('reports an unknown version as not found', async () => {
    const { code, stderr } = await cli([
      'show',
      'fraud-model/9',
      '--registry-dir',
      registryDir
    ])
    expect(code).toBe(1)
    expect(stderr).toContain('version fraud-model/9 was not found')
  })
})
