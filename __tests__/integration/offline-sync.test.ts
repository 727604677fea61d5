/**
 * Versions registered offline into the local registry are registered on a
 * real MLflow server by a sync, once: later syncs, with or without their
 * sync records, create no second version.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  githubEnv,
  runAction,
  uniqueRunId,
  type ActionRun
} from '../support/registration.js'
import {
  mlflowApi,
  testServers,
  uniqueModelName,
  type TestServer
} from '../support/servers.js'

jest.setTimeout(180_000)

const ROOT = path.resolve(import.meta.dirname, '../..')

interface RestVersion {
  readonly version: string
  readonly description?: string
  readonly aliases?: readonly string[]
  readonly tags?: readonly { key: string; value: string }[]
}

let server: TestServer
let stateDir: string
let registryDir: string
let bundleDir: string
const model = uniqueModelName('offline')
const runEnv = githubEnv(uniqueRunId())
const offlineRuns: ActionRun[] = []
let firstSync: ActionRun
let secondSync: ActionRun

function offlineInputs(key: string): Record<string, string> {
  return {
    offline: 'true',
    'model-name': model,
    'model-path': 'examples/model',
    'experiment-name': 'offline-tests',
    description: `offline ${key}`,
    tags: 'team=risk',
    aliases: 'champion',
    'idempotency-key': `${model}-${key}`,
    'registry-dir': registryDir
  }
}

function sync(): Promise<ActionRun> {
  return runAction(
    {
      mode: 'sync',
      'tracking-uri': server.url,
      'model-name': model,
      'registry-dir': registryDir,
      'bundle-dir': bundleDir
    },
    runEnv
  )
}

function statuses(run: ActionRun): string[] {
  const report = JSON.parse(run.host.outputs.get('sync-report') ?? '[]') as {
    status: string
  }[]
  return report.map(entry => entry.status)
}

async function serverVersions(): Promise<RestVersion[]> {
  const response = await mlflowApi<{ model_versions?: RestVersion[] }>(
    server,
    'GET',
    'model-versions/search',
    { query: { filter: `name = '${model}'` } }
  )
  return [...(response.model_versions ?? [])].sort(
    (a, b) => Number(a.version) - Number(b.version)
  )
}

async function versionOf(version: string): Promise<RestVersion> {
  const response = await mlflowApi<{ model_version: RestVersion }>(
    server,
    'GET',
    'model-versions/get',
    { query: { name: model, version } }
  )
  return response.model_version
}

beforeAll(async () => {
  server = testServers().plain
  mkdirSync(path.join(ROOT, '.test-state'), { recursive: true })
  stateDir = mkdtempSync(path.join(ROOT, '.test-state', 'offline-'))
  registryDir = path.join(stateDir, 'registry')
  bundleDir = path.join(stateDir, 'bundles')
  for (const key of ['first', 'second', 'second']) {
    offlineRuns.push(await runAction(offlineInputs(key), runEnv))
  }
  firstSync = await sync()
  secondSync = await sync()
})

afterAll(() => {
  rmSync(stateDir, { recursive: true, force: true })
})

describe('offline registration', () => {
  it('numbers the versions and reuses a re-run', () => {
    const outcomes = offlineRuns.map(run => [
      run.host.outputs.get('outcome'),
      run.host.outputs.get('model-version')
    ])
    expect(outcomes).toEqual([
      ['registered-locally', '1'],
      ['registered-locally', '2'],
      ['reused', '2']
    ])
  })
})

describe('sync of the local registry', () => {
  it('registers each local version', () => {
    expect(firstSync.host.failure).toBeUndefined()
    expect(firstSync.result.outcome).toBe('synced')
    expect(statuses(firstSync)).toEqual(['synced', 'synced'])
  })

  it('creates the versions in local order', async () => {
    const versions = await serverVersions()
    expect(versions.map(version => version.description)).toEqual([
      'offline first',
      'offline second'
    ])
  })

  it('moves the alias to the last version', async () => {
    // model-versions/search leaves out aliases, so each version is read.
    const versions = await Promise.all(
      (await serverVersions()).map(version => versionOf(version.version))
    )
    expect(versions.map(version => version.aliases ?? [])).toEqual([
      [],
      ['champion']
    ])
  })

  it('keeps the tags', async () => {
    const [version] = await serverVersions()
    expect(version?.tags).toEqual(
      expect.arrayContaining([{ key: 'team', value: 'risk' }])
    )
  })

  it('keeps the local registry', () => {
    const names = readdirSync(registryDir)
    expect(names.filter(name => name.endsWith('.synced.json'))).toHaveLength(2)
  })

  it('a second sync creates nothing', async () => {
    expect(statuses(secondSync)).toEqual([
      'already-registered',
      'already-registered'
    ])
    expect(await serverVersions()).toHaveLength(2)
  })

  it('without records, adopts by idempotency key', async () => {
    for (const name of readdirSync(registryDir)) {
      if (name.endsWith('.synced.json')) {
        rmSync(path.join(registryDir, name))
      }
    }
    const third = await sync()
    expect(statuses(third)).toEqual([
      'already-registered',
      'already-registered'
    ])
    expect(await serverVersions()).toHaveLength(2)
  })
})
