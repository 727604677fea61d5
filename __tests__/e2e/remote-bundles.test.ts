/**
 * On a runner, a deferred registration uploads its bundle as an artifact
 * and saves it to the Actions cache. A sync in a later run, with a fresh
 * workspace and no local bundle, finds both, registers each model once
 * and deletes the stored copies. The real @actions/artifact and
 * @actions/cache in dist/index.js talk to a loopback stand-in for
 * GitHub's services, and the test owns its MLflow server.
 */
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  startMlflowServer,
  stopMlflowServer,
  type MlflowServer
} from '../../scripts/mlflow/servers.mjs'
import {
  startGitHubServices,
  type GitHubServices
} from '../support/github-services.js'
import { runAction, type ActionResult } from '../support/run-action.js'
import {
  bundleTexts,
  expectSecretsMasked,
  type TestSecrets
} from '../support/secret-scan.js'
import { mlflowApi, uniqueModelName } from '../support/servers.js'
import { ROOT } from '../support/spawn-node.js'

// Two server starts and four runs of dist/index.js.
jest.setTimeout(300_000)

let stateDir: string
let services: GitHubServices
let server: MlflowServer

const cachedModel = uniqueModelName('cached')
const artifactOnlyModel = uniqueModelName('artifact-only')
const deferrals: ActionResult[] = []
/** The bundle directory of each deferral, in the order of `deferrals`. */
const deferralBundleDirs: string[] = []
/** The ACTIONS_RUNTIME_TOKEN of every run, which the runner masks. */
const runtimeTokens: string[] = []
let sync: ActionResult
let secondSync: ActionResult

/** Creates an empty workspace, with the example model when asked. */
function workspace(withModel: boolean): string {
  const directory = mkdtempSync(path.join(stateDir, 'workspace-'))
  if (withModel) {
    cpSync(path.join(ROOT, 'examples/model'), path.join(directory, 'model'), {
      recursive: true
    })
  }
  return directory
}

/** Builds the variables of a new workflow run on a runner. */
function runnerEnv(): Record<string, string> {
  const runtimeToken = services.runtimeToken()
  runtimeTokens.push(runtimeToken)
  return {
    ACTIONS_RUNTIME_TOKEN: runtimeToken,
    ACTIONS_RESULTS_URL: `${services.url}/`,
    ACTIONS_CACHE_SERVICE_V2: 'True',
    GITHUB_API_URL: services.url
  }
}

/**
 * Runs a registration that defers. Its bundle directory sits outside
 * RUNNER_TEMP, which `runAction` deletes, so the test can scan the files
 * that went into the artifact and the cache entry: both are compressed,
 * so a scan of the stored copies would find nothing.
 */
function defer(model: string): Promise<ActionResult> {
  const bundleDir = mkdtempSync(path.join(stateDir, 'bundles-'))
  deferralBundleDirs.push(bundleDir)
  return runAction({
    inputs: {
      'tracking-uri': server.url,
      'model-name': model,
      'model-path': 'model',
      aliases: 'champion',
      'max-attempts': '1',
      'bundle-dir': bundleDir
    },
    env: runnerEnv(),
    workspace: workspace(true)
  })
}

/** Returns the secrets of every run: the REST token, each runtime token. */
function runSecrets(): TestSecrets {
  return { values: [services.token], runnerMasked: runtimeTokens }
}

function syncLater(): Promise<ActionResult> {
  return runAction({
    inputs: {
      mode: 'sync',
      'tracking-uri': server.url,
      'github-token': services.token
    },
    env: runnerEnv(),
    workspace: workspace(false)
  })
}

async function versionNumbers(model: string): Promise<string[]> {
  const response = await mlflowApi<{ model_versions?: { version: string }[] }>(
    server,
    'GET',
    'model-versions/search',
    { query: { filter: `name = '${model}'` } }
  )
  return (response.model_versions ?? []).map(version => version.version)
}

function statuses(result: ActionResult): string[] {
  const report = JSON.parse(result.outputs['sync-report'] ?? '[]') as {
    model: string
    status: string
  }[]
  return report.map(entry => `${entry.model}: ${entry.status}`).sort()
}

beforeAll(async () => {
  mkdirSync(path.join(ROOT, '.test-state'), { recursive: true })
  stateDir = mkdtempSync(path.join(ROOT, '.test-state', 'remote-'))
  services = await startGitHubServices()
  server = await startMlflowServer({ name: 'remote', stateDir })
  const port = Number(new URL(server.url).port)

  await stopMlflowServer(server)
  deferrals.push(await defer(cachedModel), await defer(artifactOnlyModel))
  // The cache evicted the second bundle: only its artifact is left.
  const evicted = services.caches.findIndex(entry =>
    entry.key.includes(artifactOnlyModel)
  )
  if (evicted >= 0) services.caches.splice(evicted, 1)

  server = await startMlflowServer({ name: 'remote', stateDir, port })
  sync = await syncLater()
  secondSync = await syncLater()
})

afterAll(async () => {
  await stopMlflowServer(server)
  await services.close()
  rmSync(stateDir, { recursive: true, force: true })
})

describe('deferral on a runner', () => {
  it('exits with code 0', () => {
    expect(deferrals.map(result => result.exitCode)).toEqual([0, 0])
  })

  it('ends deferred', () => {
    expect(deferrals.map(result => result.outputs.outcome)).toEqual([
      'deferred',
      'deferred'
    ])
  })

  it('names the artifact', () => {
    expect(deferrals[0]?.outputs['bundle-artifact']).toMatch(
      /^mlflow-register-bundle-\d{8}T\d{6}Z-cached-/
    )
  })

  it('writes a bundle for each model', () => {
    expect(deferralBundleDirs).toHaveLength(2)
    for (const dir of deferralBundleDirs) {
      expect(Object.keys(bundleTexts(dir)).length).toBeGreaterThan(0)
    }
  })

  it('leaks no secret into logs or bundles', () => {
    for (const [index, result] of deferrals.entries()) {
      const bundles = bundleTexts(deferralBundleDirs[index] ?? '')
      // Deferrals get no GitHub token, only their runtime token.
      expectSecretsMasked(result, { runnerMasked: runtimeTokens }, bundles)
    }
  })

  it('names the cache key', () => {
    expect(deferrals[0]?.outputs['bundle-key']).toMatch(
      /^mlflow-register-bundle-hokusai\/mlflow-register-e2e\/cached-/
    )
  })
})

describe('sync in a later run', () => {
  it('exits with code 0', () => {
    expect(sync.exitCode).toBe(0)
    expect(sync.outputs.outcome).toBe('synced')
  })

  it('registers every bundled model', () => {
    expect(statuses(sync)).toEqual(
      [`${cachedModel}: synced`, `${artifactOnlyModel}: synced`].sort()
    )
  })

  it('restores the cached bundle from the cache', () => {
    expect(sync.stdout).toMatch(
      new RegExp(`Restored bundle \\S*-${cachedModel}-\\w+ from cache entry`)
    )
  })

  it('creates one version per model', async () => {
    expect(await versionNumbers(cachedModel)).toEqual(['1'])
    expect(await versionNumbers(artifactOnlyModel)).toEqual(['1'])
  })

  it('deletes the stored copies', () => {
    expect(services.caches).toEqual([])
    expect(services.artifacts).toEqual([])
  })

  it('masks the GitHub token', () => {
    expectSecretsMasked(sync, runSecrets())
  })

  it('finds nothing on a second sync', async () => {
    expect(secondSync.exitCode).toBe(0)
    expect(statuses(secondSync)).toEqual([])
    expect(await versionNumbers(cachedModel)).toEqual(['1'])
  })

  it('masks the GitHub token on a second sync', () => {
    expectSecretsMasked(secondSync, runSecrets())
  })
})
