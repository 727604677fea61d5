import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'

import { readLocalRegistry } from '../../../src/bundle/local-registry.js'
import { toFlagWording } from '../../../src/cli/flag-wording.js'
import { run } from '../../../src/main.js'
import { RecordingHost } from '../../support/recording-host.js'

let workspace: string
let registry: string

beforeEach(() => {
  workspace = mkdtempSync(path.join(tmpdir(), 'register-locally-'))
  registry = path.join(workspace, '.mlflow-register', 'registry')
  mkdirSync(path.join(workspace, 'model'))
  writeFileSync(path.join(workspace, 'model', 'MLmodel'), 'flavors: {}\n')
})

afterEach(() => {
  rmSync(workspace, { recursive: true, force: true })
})

async function register(
  inputs: Record<string, string> = {},
  env: NodeJS.ProcessEnv = {}
): Promise<RecordingHost> {
  const host = new RecordingHost(
    { 'model-name': 'fraud-model', 'model-path': 'model', ...inputs },
    { GITHUB_WORKSPACE: workspace, ...env }
  )
  await run(host)
  return host
}

describe('offline without a tracking URI', () => {
  it('registers version 1 locally', async () => {
    const host = await register()
    expect(host.failure).toBeUndefined()
    expect(host.outputs.get('outcome')).toBe('registered-locally')
    expect(host.outputs.get('model-version')).toBe('1')
    expect(host.outputs.get('model-uri')).toBe('')
    expect(host.outputs.get('bundle-path')).toContain(registry)
  })

  it('warns that no server is configured', async () => {
    const host = await register()
    const warnings = host.lines.filter(line => line.level === 'warning')
    expect(warnings.map(line => line.title)).toEqual([
      'Offline: no tracking server configured'
    ])
    expect(warnings[0]?.message).toContain(registry)
  })

  it('does not repeat the title in the warning', async () => {
    const host = await register()
    const [warning] = host.lines.filter(line => line.level === 'warning')
    expect(warning?.message).not.toMatch(/no tracking server/i)
    expect(toFlagWording(warning?.message ?? '')).toMatch(
      /^Neither --tracking-uri nor MLFLOW_TRACKING_URI is set, so /
    )
  })

  it('names the sync once on the command line', async () => {
    const host = await register()
    const text = toFlagWording(host.logText())
    expect(text).toContain(
      'A sync (the `sync` command) with --tracking-uri set registers the ' +
        'local registry on a server.'
    )
    expect(text).not.toContain('mlflow-register with the')
  })

  it('rejects a run id placeholder', async () => {
    const host = await register({
      'model-path': '',
      source: 'runs:/<run-id>/model'
    })
    expect(host.outputs.get('outcome')).toBe('failed')
    expect(host.outputs.get('diagnosis')).toBe('CLIENT_CONFIG')
    expect(host.failure).toContain('Invalid input `source`')
    expect((await readLocalRegistry(registry)).versions).toEqual([])
  })

  it('reuses the version on a re-run', async () => {
    await register()
    const host = await register({}, { GIT_COMMIT: 'same-run' })
    expect(host.outputs.get('outcome')).toBe('reused')
    expect(host.outputs.get('model-version')).toBe('1')
  })

  it('numbers new versions and moves aliases', async () => {
    await register({ aliases: 'champion', tags: 'team=risk' })
    const second = await register({
      aliases: 'champion',
      'idempotency-key': 'retrain-2'
    })
    expect(second.outputs.get('model-version')).toBe('2')
    const { versions } = await readLocalRegistry(registry)
    expect(versions.map(entry => entry.version)).toEqual(['1', '2'])
    expect(versions.map(entry => entry.aliases)).toEqual([[], ['champion']])
    expect(versions[0]?.bundle.manifest.registration.tags).toEqual([
      { key: 'team', value: 'risk' }
    ])
  })

  it('numbers each model on its own', async () => {
    await register()
    const other = await register({ 'model-name': 'churn-model' })
    expect(other.outputs.get('model-version')).toBe('1')
  })

  it('records no tracking URI and no error', async () => {
    await register({ description: 'offline build' })
    const [entry] = (await readLocalRegistry(registry)).versions
    const manifest = entry?.bundle.manifest
    expect(manifest?.trackingUri).toBeUndefined()
    expect(manifest?.lastError).toBeUndefined()
    expect(manifest?.registration.description).toBe('offline build')
    expect(manifest?.files.map(file => file.path)).toEqual(['model/MLmodel'])
  })
})

describe('offline input', () => {
  it('wins over a tracking URI, without warning', async () => {
    const host = await register({
      offline: 'true',
      'tracking-uri': 'http://127.0.0.1:9'
    })
    expect(host.outputs.get('outcome')).toBe('registered-locally')
    expect(host.lines.some(line => line.level === 'warning')).toBe(false)
    expect(host.logText()).toContain('Offline (input `offline` is true)')
  })

  it('is read from MLFLOW_REGISTER_OFFLINE', async () => {
    const host = await register({}, { MLFLOW_REGISTER_OFFLINE: 'yes' })
    expect(host.logText()).toContain(
      'environment variable MLFLOW_REGISTER_OFFLINE'
    )
  })

  it('writes into registry-dir', async () => {
    const host = await register({ offline: 'true', 'registry-dir': 'local' })
    expect(host.outputs.get('bundle-path')).toContain(
      path.join(workspace, 'local')
    )
  })

  it('false requires a tracking URI', async () => {
    const host = await register({ offline: 'false' })
    expect(host.outputs.get('outcome')).toBe('failed')
    expect(host.logText()).toContain('no tracking server is configured')
  })

  it('rejects an unknown value', async () => {
    const host = await register({ offline: 'maybe' })
    expect(host.logText()).toContain(
      'expected auto, true or false, got "maybe"'
    )
  })

  it('rejects sync mode', async () => {
    const host = await register({ offline: 'true', mode: 'sync' })
    expect(host.outputs.get('outcome')).toBe('failed')
    expect(host.logText()).toContain('`mode: sync` needs a tracking server')
  })

  it('writes no masked value', async () => {
    const token = 'offline-secret-token-123'
    const host = await register(
      { offline: 'true', description: `token ${token}` },
      { MLFLOW_TRACKING_TOKEN: token }
    )
    expect(host.outputs.get('outcome')).toBe('failed')
    expect((await readLocalRegistry(registry)).versions).toEqual([])
  })
})
