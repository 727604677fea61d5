/**
 * Offline registration through the bundled action and the bundled CLI,
 * and the CLI's sync of the local registry to a real MLflow server.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { runAction, type ActionResult } from '../support/run-action.js'
import { parseCliOutputs, runCli } from '../support/run-cli.js'
import { expectSecretsAbsent } from '../support/secret-scan.js'
import { testServers, uniqueModelName } from '../support/servers.js'
import type { ProcessResult } from '../support/spawn-node.js'

jest.setTimeout(120_000)

let stateDir: string

/** A token the plain server ignores, so the scan has a secret to find. */
const TOKEN = `offline-token-${randomBytes(12).toString('hex')}`

/** Reads every file below a directory as text, by relative path. */
async function readTree(root: string): Promise<Record<string, string>> {
  const texts: Record<string, string> = {}
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  for (const entry of entries.filter(e => e.isFile())) {
    const file = path.join(entry.parentPath, entry.name)
    texts[path.relative(stateDir, file)] = await readFile(file, 'utf8')
  }
  return texts
}

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(tmpdir(), 'e2e-offline-'))
})

afterAll(async () => {
  await rm(stateDir, { recursive: true, force: true })
})

describe('action without a tracking URI', () => {
  let result: ActionResult

  beforeAll(async () => {
    result = await runAction({
      inputs: {
        'model-name': uniqueModelName('offline-action'),
        'model-path': 'examples/model',
        'registry-dir': path.join(stateDir, 'action-registry')
      }
    })
  })

  it('passes', () => {
    expect(result.exitCode).toBe(0)
  })

  it('registers version 1 locally', () => {
    expect(result.outputs.outcome).toBe('registered-locally')
    expect(result.outputs['model-version']).toBe('1')
  })

  it('warns with a titled annotation', () => {
    const titles = result.annotations.map(annotation => annotation.title)
    expect(titles).toEqual(['Offline: no tracking server configured'])
  })

  it('names the local registry in the summary', () => {
    expect(result.summary).toContain(path.join(stateDir, 'action-registry'))
  })
})

describe('CLI offline, then sync', () => {
  const model = uniqueModelName('offline-cli')
  let env: Record<string, string>
  let registered: ProcessResult
  let listed: ProcessResult
  let shown: ProcessResult
  let synced: ProcessResult
  let resynced: ProcessResult

  beforeAll(async () => {
    const server = testServers().plain
    env = {
      MLFLOW_REGISTER_REGISTRY_DIR: path.join(stateDir, 'cli-registry'),
      MLFLOW_REGISTER_BUNDLE_DIR: path.join(stateDir, 'cli-bundles')
    }
    registered = await runCli(
      [
        'register',
        '--offline',
        'true',
        '--model-name',
        model,
        '--model-path',
        'examples/model',
        '--aliases',
        'champion',
        '--json'
      ],
      env
    )
    listed = await runCli(['list'], env)
    shown = await runCli(['show', `${model}/1`], env)
    const sync = ['sync', '--tracking-uri', server.url, '--json']
    const withToken = { ...env, MLFLOW_TRACKING_TOKEN: TOKEN }
    synced = await runCli(sync, withToken)
    resynced = await runCli(sync, withToken)
  })

  it('registers locally', () => {
    expect(registered.exitCode).toBe(0)
    expect(parseCliOutputs(registered.stdout).outcome).toBe(
      'registered-locally'
    )
  })

  it('says it is offline', () => {
    expect(registered.stderr).toContain('Offline (--offline is true)')
  })

  it('lists the version with its alias', () => {
    expect(listed.stdout).toContain(`${model}  version 1  @champion`)
  })

  it('shows the version', () => {
    expect(shown.exitCode).toBe(0)
    expect(shown.stdout).toContain(`"localVersion": "1"`)
  })

  it('syncs the version once', () => {
    const statuses = (run: ProcessResult) =>
      (
        JSON.parse(parseCliOutputs(run.stdout)['sync-report'] as string) as {
          status: string
        }[]
      ).map(entry => entry.status)
    expect(synced.exitCode).toBe(0)
    expect(statuses(synced)).toEqual(['synced'])
    expect(statuses(resynced)).toEqual(['already-registered'])
  })

  it('leaks no form of the sync token', async () => {
    const printed = {
      'sync stdout': synced.stdout,
      'sync stderr': synced.stderr,
      'second sync stdout': resynced.stdout,
      'second sync stderr': resynced.stderr
    }
    const files = await readTree(stateDir)
    expect(Object.keys(files).length).toBeGreaterThan(0)
    expectSecretsAbsent({ values: [TOKEN] }, { ...printed, ...files })
  })
})
