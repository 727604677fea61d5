/**
 * A registration while MLflow is down is deferred into a registry bundle,
 * and a later sync registers it exactly once. The test owns its MLflow
 * server, so stopping it disturbs no other test, and restarts it on the
 * same port with the same backend store, as a server coming back would.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto'
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  startMlflowServer,
  stopMlflowServer,
  type MlflowServer
} from '../../scripts/mlflow/servers.mjs'
import {
  createTarget,
  githubEnv,
  runAction,
  uniqueRunId,
  type ActionRun
} from '../support/registration.js'
import { expectSecretsAbsent } from '../support/secret-scan.js'
import { mlflowApi, uniqueModelName } from '../support/servers.js'

// Two server starts and several runs of the action in one arrangement.
jest.setTimeout(300_000)

const ROOT = path.resolve(import.meta.dirname, '../..')
const TOKEN = `outage-token-${randomBytes(12).toString('hex')}`

interface RestVersion {
  readonly version: string
  readonly description?: string
  readonly aliases?: readonly string[]
  readonly tags?: readonly { key: string; value: string }[]
}

let stateDir: string
let server: MlflowServer
let bundleRoot: string

/** Creates a bundle directory of its own for one scenario. */
function bundleDir(name: string): string {
  const directory = path.join(bundleRoot, name)
  mkdirSync(directory, { recursive: true })
  return directory
}

/** Lists the bundles (not locks or staging folders) in a directory. */
function bundlesIn(directory: string): string[] {
  return readdirSync(directory).filter(
    name => !name.startsWith('.') && !name.endsWith('.lock')
  )
}

function registrationInputs(
  modelName: string,
  directory: string
): Record<string, string> {
  return {
    'tracking-uri': server.url,
    'model-name': modelName,
    'model-path': 'examples/model',
    'experiment-name': 'outage-tests',
    description: 'nightly retrain',
    tags: 'team=risk\nstage=candidate',
    aliases: 'champion',
    'bundle-dir': directory,
    'max-attempts': '2'
  }
}

function syncInputs(directory: string): Record<string, string> {
  return { mode: 'sync', 'tracking-uri': server.url, 'bundle-dir': directory }
}

async function versionsOf(model: string): Promise<RestVersion[]> {
  const response = await mlflowApi<{ model_versions?: RestVersion[] }>(
    server,
    'GET',
    'model-versions/search',
    { query: { filter: `name = '${model}'` } }
  )
  return response.model_versions ?? []
}

async function versionOf(model: string, version: string): Promise<RestVersion> {
  const response = await mlflowApi<{ model_version: RestVersion }>(
    server,
    'GET',
    'model-versions/get',
    { query: { name: model, version } }
  )
  return response.model_version
}

function tagsWithoutKey(version: RestVersion): Record<string, string> {
  const tags = Object.fromEntries(
    (version.tags ?? []).map(tag => [tag.key, tag.value])
  )
  delete tags['mlflow_register.idempotency_key']
  return tags
}

function syncStatuses(run: ActionRun): string[] {
  const report = JSON.parse(run.host.outputs.get('sync-report') ?? '[]') as {
    status: string
  }[]
  return report.map(entry => entry.status)
}

const runEnv = githubEnv(uniqueRunId())
const directModel = uniqueModelName('direct')
const deferredModel = uniqueModelName('deferred')
const racedModel = uniqueModelName('raced')
const adoptedModel = uniqueModelName('adopted')
const flippedModel = uniqueModelName('flipped')
const editedModel = uniqueModelName('edited')
const signedModel = uniqueModelName('signed')
const SIGNING_KEY = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  .privateKey.export({ type: 'pkcs8', format: 'pem' })
  .toString()
const signingInputs = { signing: 'key', 'signing-key': SIGNING_KEY }
let deferred: ActionRun

beforeAll(async () => {
  mkdirSync(path.join(ROOT, '.test-state'), { recursive: true })
  stateDir = mkdtempSync(path.join(ROOT, '.test-state', 'outage-'))
  bundleRoot = path.join(stateDir, 'bundles')
  server = await startMlflowServer({ name: 'outage', stateDir })

  // While the server is up: the reference registration, and the version
  // that a run creates just before the outage.
  await runAction(registrationInputs(directModel, bundleDir('direct')), runEnv)
  await runAction(
    registrationInputs(adoptedModel, bundleDir('adopted')),
    runEnv
  )

  await stopMlflowServer(server)
  const port = Number(new URL(server.url).port)
  deferred = await runAction(
    { ...registrationInputs(deferredModel, bundleDir('main')), token: TOKEN },
    runEnv
  )
  for (const [model, directory] of [
    [racedModel, 'raced'],
    [adoptedModel, 'adopted'],
    [flippedModel, 'flipped'],
    [editedModel, 'edited']
  ] as const) {
    await runAction(registrationInputs(model, bundleDir(directory)), runEnv)
  }
  await runAction(
    {
      ...registrationInputs(signedModel, bundleDir('signed')),
      ...signingInputs
    },
    runEnv
  )
  server = await startMlflowServer({ name: 'outage', stateDir, port })
})

afterAll(async () => {
  await stopMlflowServer(server)
  rmSync(stateDir, { recursive: true, force: true })
})

describe('registration while the server is down', () => {
  it('ends deferred and passes', () => {
    expect(deferred.result.outcome).toBe('deferred')
    expect(deferred.host.failure).toBeUndefined()
    expect(deferred.host.outputs.get('diagnosis')).toBe('UNREACHABLE')
  })

  it('warns with a titled annotation', () => {
    const warning = deferred.host.lines.find(line => line.level === 'warning')
    expect(warning?.title).toBe('Registration deferred: UNREACHABLE')
    expect(warning?.message).toContain(
      deferred.host.outputs.get('bundle-path') ?? '(no path)'
    )
  })

  it('writes one bundle at bundle-path', () => {
    const bundles = bundlesIn(path.join(bundleRoot, 'main'))
    expect(bundles).toHaveLength(1)
    expect(deferred.host.outputs.get('bundle-path')).toBe(
      path.join(bundleRoot, 'main', bundles[0] ?? '')
    )
  })

  it('writes no secret into the bundle', () => {
    const bundle = deferred.host.outputs.get('bundle-path') ?? ''
    const texts: Record<string, string> = {}
    const entries = readdirSync(bundle, {
      recursive: true,
      withFileTypes: true
    })
    for (const entry of entries.filter(item => item.isFile())) {
      const file = path.join(entry.parentPath, entry.name)
      // latin1 maps every byte to one character, so binary files scan too.
      texts[path.relative(bundle, file)] = readFileSync(file, 'latin1')
    }
    expect(Object.keys(texts)).toContain('manifest.json')
    expectSecretsAbsent({ values: [TOKEN] }, texts)
  })
})

describe('sync after the server is back', () => {
  let first: ActionRun
  let second: ActionRun

  beforeAll(async () => {
    const later = githubEnv(uniqueRunId())
    first = await runAction(syncInputs(path.join(bundleRoot, 'main')), later)
    second = await runAction(syncInputs(path.join(bundleRoot, 'main')), later)
  })

  it('registers the bundle', () => {
    expect(first.result.outcome).toBe('synced')
    expect(syncStatuses(first)).toEqual(['synced'])
  })

  it('removes the synced bundle', () => {
    expect(bundlesIn(path.join(bundleRoot, 'main'))).toEqual([])
  })

  it('creates exactly one version', async () => {
    expect((await versionsOf(deferredModel)).map(v => v.version)).toEqual(['1'])
  })

  it('matches a direct registration', async () => {
    const direct = await versionOf(directModel, '1')
    const synced = await versionOf(deferredModel, '1')
    expect(tagsWithoutKey(synced)).toEqual(tagsWithoutKey(direct))
    expect(synced.description).toBe(direct.description)
    expect(synced.aliases).toEqual(['champion'])
    expect(direct.aliases).toEqual(['champion'])
  })

  it('finds nothing left on a second sync', async () => {
    expect(second.result.outcome).toBe('synced')
    expect(syncStatuses(second)).toEqual([])
    expect(await versionsOf(deferredModel)).toHaveLength(1)
  })
})

describe('sync of special bundles', () => {
  it('two syncs at once register once', async () => {
    const directory = path.join(bundleRoot, 'raced')
    const env = githubEnv(uniqueRunId())
    const runs = await Promise.all([
      runAction(syncInputs(directory), env),
      runAction(syncInputs(directory), env)
    ])
    expect(runs.map(run => run.result.outcome)).toEqual(['synced', 'synced'])
    expect(await versionsOf(racedModel)).toHaveLength(1)
    expect(bundlesIn(directory)).toEqual([])
  })

  it('adopts a version created before the outage', async () => {
    const run = await runAction(
      syncInputs(path.join(bundleRoot, 'adopted')),
      githubEnv(uniqueRunId())
    )
    expect(syncStatuses(run)).toEqual(['already-registered'])
    expect(await versionsOf(adoptedModel)).toHaveLength(1)
  })

  it.each([
    ['flipped', flippedModel, /weights|model\.skops|does not match/],
    ['edited', editedModel, /manifest\.json does not match/]
  ])('rejects a %s bundle', async (name, model, detail) => {
    const directory = path.join(bundleRoot, name)
    const [bundle = ''] = bundlesIn(directory)
    tamper(name, path.join(directory, bundle))
    const run = await runAction(syncInputs(directory), githubEnv(uniqueRunId()))

    expect(run.result.outcome).toBe('failed')
    expect(run.host.outputs.get('diagnosis')).toBe('BUNDLE_INVALID')
    expect(run.result.diagnosis?.detail).toMatch(detail)
    expect(bundlesIn(directory)).toEqual([bundle])
    expect(await versionsOf(model)).toEqual([])
  })
})

/** Flips one byte of the model file, or edits the manifest. */
function tamper(kind: string, bundle: string): void {
  if (kind === 'edited') {
    const file = path.join(bundle, 'manifest.json')
    const text = readFileSync(file, 'utf8')
    writeFileSync(file, text.replace('nightly retrain', 'edited description'))
    return
  }
  const file = path.join(bundle, 'model', 'model.skops')
  const bytes = readFileSync(file)
  bytes[10] = (bytes[10] ?? 0) ^ 0xff
  writeFileSync(file, bytes)
}

describe('sync of a signed registration', () => {
  let unsigned: ActionRun
  let signed: ActionRun

  beforeAll(async () => {
    unsigned = await runAction(syncInputs(bundleDir('signed')))
    signed = await runAction({
      ...syncInputs(bundleDir('signed')),
      ...signingInputs
    })
  })

  it('keeps the bundle when the sync would not sign', () => {
    expect(syncStatuses(unsigned)).toEqual(['failed'])
    expect(unsigned.host.logText()).toContain('signing: key')
  })

  it('registers it signed by a sync that signs', async () => {
    expect(syncStatuses(signed)).toEqual(['synced'])
    const [version] = await versionsOf(signedModel)
    expect(version?.version).toBe('1')
    const tags = tagsWithoutKey(await versionOf(signedModel, '1'))
    expect(tags['mlflow_register.signature']).toMatch(/model\.sig$/)
  })

  it('leaks no form of the signing key', () => {
    for (const run of [unsigned, signed]) {
      expectSecretsAbsent(
        { values: [SIGNING_KEY] },
        { 'log, outputs and summary': run.host.visibleText() }
      )
    }
  })
})

describe('auth failure', () => {
  it('writes no bundle', async () => {
    const target = await createTarget('basicAuth')
    const directory = bundleDir('auth')
    const run = await runAction(
      {
        'tracking-uri': target.server.url,
        'model-name': uniqueModelName('auth'),
        'model-path': 'examples/model',
        username: target.user?.username ?? '',
        password: 'wrong-password-for-tests',
        'bundle-dir': directory
      },
      githubEnv(uniqueRunId())
    )
    expect(run.result.outcome).toBe('failed')
    expect(run.host.outputs.get('diagnosis')).toBe('AUTH_REJECTED')
    expect(run.host.outputs.get('bundle-path')).toBe('')
    expect(readdirSync(directory)).toEqual([])
  })
})
