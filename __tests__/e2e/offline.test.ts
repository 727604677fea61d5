/**
 * Offline registration through the bundled action and the bundled CLI,
 * and the CLI's sync of the local registry to a real MLflow server.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { runAction, type ActionResult } from '../support/run-action.js'
import { parseCliOutputs, runCli } from '../support/run-cli.js'
import { testServers, uniqueModelName } from '../support/servers.js'
import type { ProcessResult } from '../support/spawn-node.js'

jest.setTimeout(120_000)

let stateDir: string

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
    synced = await runCli(sync, env)
    resynced = await runCli(sync, env)
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
})
