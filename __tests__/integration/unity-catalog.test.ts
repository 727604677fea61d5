import { generateKeyPairSync } from 'node:crypto'
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  MODEL_DIGEST_TAG as DIGEST_TAG,
  SIGNATURE_TAG
} from '../../src/provenance/registration-signing.js'
import { IDEMPOTENCY_TAG } from '../../src/register/provenance.js'
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js'
import { startMoto, type MotoServer } from '../support/moto-server.js'
import {
  githubEnv,
  leakedSecrets,
  runAction,
  uniqueRunId,
  type ActionRun
} from '../support/registration.js'
import { bundleTexts, expectSecretsAbsent } from '../support/secret-scan.js'
import { testServers } from '../support/servers.js'
import {
  startUnityCatalogStandIn,
  type UnityCatalogStandIn
} from '../support/unity-catalog-standin.js'
import {
  startWorkspaceFront,
  type WorkspaceFront
} from '../support/workspace-front.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(180_000)

const TOKEN = 'dapi-unity-catalog-standin-token'

let moto: MotoServer
let standIn: UnityCatalogStandIn
let front: WorkspaceFront
let unsignedModel: string

beforeAll(async () => {
  moto = await startMoto()
  standIn = await startUnityCatalogStandIn({ moto, token: TOKEN })
  const plain = testServers().plain.url
  front = await startWorkspaceFront({
    provider: plain,
    mlflow: plain,
    unityCatalog: standIn.url
  })
  unsignedModel = await copyWithoutSignature('examples/model')
})

afterAll(async () => {
  await front.stop()
  await standIn.stop()
  await moto.stop()
  await rm(path.dirname(unsignedModel), { recursive: true, force: true })
})

/** Copies a model directory and removes the signature from its MLmodel. */
async function copyWithoutSignature(source: string): Promise<string> {
  const target = path.join(await mkdtemp(path.join(tmpdir(), 'uc-')), 'model')
  await cp(source, target, { recursive: true })
  const file = path.join(target, 'MLmodel')
  const text = await readFile(file, 'utf8')
  await writeFile(file, text.replace(/^signature:\n(?: {2}.*\n)+/m, ''))
  return target
}

let counter = 0
function uniqueUcName(): string {
  counter++
  return `main.ml.model_${process.pid}_${Date.now().toString(36)}_${counter}`
}

function env(runId = uniqueRunId()): NodeJS.ProcessEnv {
  return {
    ...githubEnv(runId),
    DATABRICKS_HOST: front.url,
    DATABRICKS_TOKEN: TOKEN,
    MLFLOW_S3_ENDPOINT_URL: moto.url,
    AWS_REGION: 'us-east-1'
  }
}

function inputs(modelName: string, extra: Record<string, string> = {}) {
  return {
    'tracking-uri': 'databricks',
    'registry-uri': 'databricks-uc',
    'model-name': modelName,
    'model-path': 'examples/model',
    ...extra
  }
}

/** The workspace token and the storage credentials' secret parts. */
function storageSecrets(): string[] {
  return [
    TOKEN,
    moto.temporary.secretAccessKey,
    moto.temporary.sessionToken ?? ''
  ]
}

function tagsOf(name: string, version: string): Map<string, string> {
  const found = standIn.models
    .get(name)
    ?.versions.find(v => v.version === version)
  return new Map((found?.tags ?? []).map(tag => [tag.key, tag.value]))
}

describe('Unity Catalog registration to S3', () => {
  let modelName: string
  let runId: string
  let first: ActionRun

  beforeAll(async () => {
    modelName = uniqueUcName()
    runId = uniqueRunId()
    first = await runAction(
      inputs(modelName, { aliases: 'champion', tags: 'team=vision' }),
      env(runId)
    )
  })

  it('registers a READY version 1', () => {
    const version = standIn.models.get(modelName)?.versions[0]

    expect(first.result.outcome).toBe('registered')
    expect(first.result.version?.version).toBe('1')
    expect(version?.status).toBe('READY')
  })

  it('uploads every model file to S3', async () => {
    const location =
      standIn.models.get(modelName)?.versions[0]?.storage_location ?? ''
    const prefix = location.replace(/^s3:\/\/[^/]+\//, '')
    const keys = await standIn.listObjects(prefix)

    expect(keys.map(key => key.slice(prefix.length + 1)).sort()).toEqual([
      'MLmodel',
      'conda.yaml',
      'input_example.json',
      'model.skops',
      'python_env.yaml',
      'requirements.txt',
      'serving_input_example.json'
    ])
  })

  it('tags the version with its key', () => {
    const tags = tagsOf(modelName, '1')

    expect(tags.get('team')).toBe('vision')
    expect(tags.get(IDEMPOTENCY_TAG)).toMatch(/^[0-9a-f]{64}$/)
  })

  it('points the alias at the version', () => {
    expect(standIn.models.get(modelName)?.aliases.get('champion')).toBe('1')
  })

  it('requests credentials and finalizes', () => {
    expect(standIn.requests).toContain(
      'POST model-versions/generate-temporary-credentials'
    )
    expect(standIn.requests).toContain('POST model-versions/finalize')
  })

  it('reuses the version on a re-run', async () => {
    const again = await runAction(inputs(modelName), env(runId))

    expect(again.result.outcome).toBe('reused')
    expect(again.result.version?.version).toBe('1')
    expect(standIn.models.get(modelName)?.versions).toHaveLength(1)
  })

  // Unity Catalog lists no newest versions and searches by name alone, so
  // the forced create is found again by its request tag among them all.
  it('reads back a forced create that committed', async () => {
    standIn.behaviour.failCreateAfterCommit = 1
    const forced = await runAction(
      inputs(modelName, { 'force-new-version': 'true' }),
      env(runId)
    )

    expect(forced.result.outcome).toBe('registered')
    expect(forced.result.version?.version).toBe('2')
    const versions = standIn.models.get(modelName)?.versions ?? []
    expect(versions.map(version => version.status)).toEqual(['READY', 'READY'])
  })

  it('masks the token and storage secrets', () => {
    expect(leakedSecrets(first.host, storageSecrets())).toEqual([])
    expect(first.host.secrets).toContain(moto.temporary.secretAccessKey)
    expect(first.host.secrets).toContain(moto.temporary.sessionToken)
  })
})

describe('Unity Catalog with signing: key', () => {
  let modelName: string
  let run: ActionRun

  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
    modelName = uniqueUcName()
    run = await runAction(
      inputs(modelName, {
        signing: 'key',
        'signing-key': privateKey
          .export({ type: 'pkcs8', format: 'pem' })
          .toString()
      }),
      env()
    )
  })

  it('uploads model.sig beside the files', async () => {
    const prefix = storagePrefix(modelName)
    const keys = await standIn.listObjects(prefix)

    expect(run.result.outcome).toBe('registered')
    expect(keys).toContain(`${prefix}/model.sig`)
  })

  it('tags where the signature is', () => {
    const location =
      standIn.models.get(modelName)?.versions[0]?.storage_location ?? ''

    expect(tagsOf(modelName, '1').get(SIGNATURE_TAG)).toBe(
      `${location}/model.sig`
    )
  })
})

describe('Unity Catalog version left pending', () => {
  it('completes it on the re-run', async () => {
    const modelName = uniqueUcName()
    const runId = uniqueRunId()
    standIn.behaviour.failFinalize = 1
    const failed = await runAction(inputs(modelName), env(runId))
    const pending = standIn.models.get(modelName)?.versions[0]?.status

    const again = await runAction(inputs(modelName), env(runId))

    expect(failed.result.outcome).toBe('failed')
    expect(pending).toBe('PENDING_REGISTRATION')
    expect(again.result.outcome).toBe('reused')
    expect(standIn.models.get(modelName)?.versions).toHaveLength(1)
    expect(standIn.models.get(modelName)?.versions[0]?.status).toBe('READY')
  })
})

describe('Unity Catalog signed version left pending', () => {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' })
  const signingKey = privateKey
    .export({ type: 'pkcs8', format: 'pem' })
    .toString()

  /**
   * Leaves a version pending with its model.sig deleted, as an attempt
   * that stopped before uploading the signature would, and returns the
   * model name and the CI run id that finds it again.
   */
  async function leavePendingUnsigned(): Promise<[string, string]> {
    const modelName = uniqueUcName()
    const runId = uniqueRunId()
    standIn.behaviour.failFinalize = 1
    const failed = await runAction(
      inputs(modelName, { signing: 'key', 'signing-key': signingKey }),
      env(runId)
    )
    expect(failed.result.outcome).toBe('failed')
    const found = standIn.models.get(modelName)?.versions[0]
    expect(found?.status).toBe('PENDING_REGISTRATION')
    await standIn.deleteObject(`${storagePrefix(modelName)}/model.sig`)
    if (found) found.tags = found.tags.filter(t => t.key !== SIGNATURE_TAG)
    return [modelName, runId]
  }

  it('signs again with signing: key', async () => {
    const [modelName, runId] = await leavePendingUnsigned()

    const again = await runAction(
      inputs(modelName, { signing: 'key', 'signing-key': signingKey }),
      env(runId)
    )

    expect(again.result.outcome).toBe('reused')
    expect(standIn.models.get(modelName)?.versions[0]?.status).toBe('READY')
    const prefix = storagePrefix(modelName)
    expect(await standIn.listObjects(prefix)).toContain(`${prefix}/model.sig`)
    const location =
      standIn.models.get(modelName)?.versions[0]?.storage_location ?? ''
    expect(tagsOf(modelName, '1').get(SIGNATURE_TAG)).toBe(
      `${location}/model.sig`
    )
  })

  it('keeps a stored model.sig with signing: sigstore', async () => {
    const modelName = uniqueUcName()
    const runId = uniqueRunId()
    standIn.behaviour.failFinalize = 1
    const failed = await runAction(
      inputs(modelName, { signing: 'key', 'signing-key': signingKey }),
      env(runId)
    )
    expect(failed.result.outcome).toBe('failed')
    const prefix = storagePrefix(modelName)
    const before = await standIn.getObject(`${prefix}/model.sig`)

    const again = await runAction(inputs(modelName, { signing: 'sigstore' }), {
      ...env(runId),
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
    })

    expect(again.result.outcome).toBe('reused')
    const warnings = again.host.lines.filter(line => line.level === 'warning')
    expect(warnings.map(line => line.title)).not.toContain(
      'Version completed unsigned'
    )
    expect(await standIn.getObject(`${prefix}/model.sig`)).toEqual(before)
  })

  it('warns with signing: sigstore', async () => {
    const [modelName, runId] = await leavePendingUnsigned()

    const again = await runAction(inputs(modelName, { signing: 'sigstore' }), {
      ...env(runId),
      ACTIONS_ID_TOKEN_REQUEST_URL: 'http://127.0.0.1:9/token',
      ACTIONS_ID_TOKEN_REQUEST_TOKEN: 'request-token'
    })

    expect(again.result.outcome).toBe('reused')
    expect(standIn.models.get(modelName)?.versions[0]?.status).toBe('READY')
    const warnings = again.host.lines.filter(line => line.level === 'warning')
    expect(warnings.map(line => line.title)).toContain(
      'Version completed unsigned'
    )
    const warning = warnings.find(
      line => line.title === 'Version completed unsigned'
    )
    expect(warning?.message).toContain('without model.sig')
    expect(warning?.message).toContain('force-new-version: true')
    const prefix = storagePrefix(modelName)
    const stored = await standIn.listObjects(prefix)
    expect(stored).not.toContain(`${prefix}/model.sig`)
  })
})

describe('Unity Catalog checks before writing', () => {
  it('stops on a model without a signature', async () => {
    const modelName = uniqueUcName()
    const before = standIn.requests.length
    const run = await runAction(
      inputs(modelName, { 'model-path': unsignedModel }),
      env()
    )

    expect(run.result.diagnosis?.code).toBe('MODEL_SIGNATURE_MISSING')
    expect(standIn.requests.length).toBe(before)
  })

  it('names a storage kind without a writer', async () => {
    const modelName = uniqueUcName()
    standIn.behaviour.storage = 'unnamed'
    try {
      const run = await runAction(inputs(modelName), env())

      expect(run.result.diagnosis?.code).toBe('UNSUPPORTED_STORAGE')
      expect(run.result.diagnosis?.detail).toContain('did not name')
    } finally {
      standIn.behaviour.storage = 's3'
    }
  })

  it('sends the encryption the credentials ask for', async () => {
    const modelName = uniqueUcName()
    standIn.behaviour.sseS3 = true
    try {
      const run = await runAction(inputs(modelName), env())
      const location =
        standIn.models.get(modelName)?.versions[0]?.storage_location ?? ''
      const key = `${location.replace(/^s3:\/\/[^/]+\//, '')}/MLmodel`
      const headers = await standIn.headObject(key)

      expect(run.result.outcome).toBe('registered')
      expect(headers.get('x-amz-server-side-encryption')).toBe('AES256')
    } finally {
      standIn.behaviour.sseS3 = false
    }
  })

  it('selects Unity Catalog for three-part names', async () => {
    const modelName = uniqueUcName()
    const run = await runAction(
      {
        'tracking-uri': 'databricks',
        'model-name': modelName,
        'model-path': 'examples/model'
      },
      env()
    )

    expect(run.result.outcome).toBe('registered')
    expect(standIn.models.get(modelName)?.versions[0]?.status).toBe('READY')
  })
})

describe('Unity Catalog profile with a plain tracking server', () => {
  it('sends each server only its own credentials', async () => {
    const home = await mkdtemp(path.join(tmpdir(), 'uc-profile-'))
    const file = path.join(home, 'databrickscfg')
    await writeFile(file, `[uc-ws]\nhost = ${front.url}\ntoken = ${TOKEN}\n`, {
      mode: 0o600
    })
    const trackingAuth: (string | undefined)[] = []
    const plain = testServers().plain.url
    const tracking = await startWorkspaceFront({
      provider: plain,
      mlflow: plain,
      onRequest: request => trackingAuth.push(request.headers.authorization)
    })
    const modelName = uniqueUcName()
    try {
      const run = await runAction(
        {
          'tracking-uri': tracking.url,
          'registry-uri': 'databricks-uc://uc-ws',
          'model-name': modelName,
          'model-path': 'examples/model'
        },
        {
          ...githubEnv(),
          HOME: home,
          DATABRICKS_CONFIG_FILE: file,
          MLFLOW_S3_ENDPOINT_URL: moto.url,
          AWS_REGION: 'us-east-1'
        }
      )
      const log = run.host.lines.map(line => line.message).join('\n')

      expect(run.result.outcome).toBe('registered')
      expect(standIn.models.get(modelName)?.versions[0]?.status).toBe('READY')
      expect(run.host.outputs.get('auth-mode')).toBe('none')
      expect(log).toContain(`Registry: Unity Catalog of the workspace`)
      expect(trackingAuth.length).toBeGreaterThan(0)
      expect(trackingAuth.filter(value => value !== undefined)).toEqual([])
      expect(run.host.secrets).toContain(TOKEN)
      expect(leakedSecrets(run.host, [TOKEN])).toEqual([])
    } finally {
      await tracking.stop()
      await rm(home, { recursive: true, force: true })
    }
  })
})

const MODEL_FILES = [
  'MLmodel',
  'conda.yaml',
  'input_example.json',
  'model.skops',
  'python_env.yaml',
  'requirements.txt',
  'serving_input_example.json'
]

/** Returns the object keys of a version's files, below its location. */
async function storedFiles(modelName: string): Promise<string[]> {
  const prefix = storagePrefix(modelName)
  const keys = await standIn.listObjects(prefix)
  return keys.map(key => key.slice(prefix.length + 1)).sort()
}

function storagePrefix(modelName: string): string {
  const location =
    standIn.models.get(modelName)?.versions[0]?.storage_location ?? ''
  return location.replace(/^s3:\/\/[^/]+\//, '')
}

/** Lists the stored files whose bytes differ from examples/model. */
async function changedFiles(modelName: string): Promise<string[]> {
  const prefix = storagePrefix(modelName)
  const changed: string[] = []
  for (const name of MODEL_FILES) {
    const original = await readFile(path.join('examples/model', name))
    const stored = await standIn.getObject(`${prefix}/${name}`)
    if (!stored.equals(original)) changed.push(name)
  }
  return changed
}

function sourceInputs(modelName: string, source: string) {
  return {
    'tracking-uri': 'databricks',
    'registry-uri': 'databricks-uc',
    'model-name': modelName,
    source
  }
}

describe('Unity Catalog registration from a source', () => {
  /** A model the action logged into a run of the workspace's server. */
  let logged: { runId: string; workspaceModel: string; digest: string }

  beforeAll(async () => {
    const workspaceModel = `ws-model-${process.pid}-${Date.now().toString(36)}`
    const run = await runAction(
      {
        'tracking-uri': testServers().plain.url,
        'model-name': workspaceModel,
        'model-path': 'examples/model'
      },
      githubEnv(uniqueRunId())
    )
    logged = {
      runId: run.result.version?.run_id ?? '',
      workspaceModel,
      digest: run.host.outputs.get('model-digest') ?? ''
    }
  })

  describe('runs:/ source', () => {
    let modelName: string
    let runId: string
    let first: ActionRun

    beforeAll(async () => {
      modelName = uniqueUcName()
      runId = uniqueRunId()
      first = await runAction(
        sourceInputs(modelName, `runs:/${logged.runId}/model`),
        env(runId)
      )
    })

    it('registers a READY version', () => {
      expect(first.result.outcome).toBe('registered')
      expect(standIn.models.get(modelName)?.versions[0]?.status).toBe('READY')
    })

    it('copies every file of the run', async () => {
      expect(await storedFiles(modelName)).toEqual(MODEL_FILES)
    })

    it('copies the bytes unchanged', async () => {
      expect(await changedFiles(modelName)).toEqual([])
    })

    it("sends the run's model directory and run id", () => {
      const version = standIn.models.get(modelName)?.versions[0]

      expect(version?.source).toMatch(
        new RegExp(`^mlflow-artifacts:/.*/${logged.runId}/artifacts/model$`)
      )
      expect(version?.run_id).toBe(logged.runId)
    })

    it('stores the streamed digest with digest-source', async () => {
      const digested = uniqueUcName()
      const run = await runAction(
        {
          ...sourceInputs(digested, `runs:/${logged.runId}/model`),
          'digest-source': 'true'
        },
        env()
      )

      expect(run.result.outcome).toBe('registered')
      expect(logged.digest).toMatch(/^[0-9a-f]{64}$/)
      expect(run.host.outputs.get('model-digest')).toBe(logged.digest)
      expect(tagsOf(digested, '1').get(DIGEST_TAG)).toBe(logged.digest)
    })

    it('reuses the version on a re-run', async () => {
      const again = await runAction(
        sourceInputs(modelName, `runs:/${logged.runId}/model`),
        env(runId)
      )

      expect(again.result.outcome).toBe('reused')
      expect(standIn.models.get(modelName)?.versions).toHaveLength(1)
    })

    it('masks the token and storage secrets', () => {
      expect(leakedSecrets(first.host, storageSecrets())).toEqual([])
    })
  })

  describe('models:/ source of the workspace registry', () => {
    let modelName: string
    let run: ActionRun

    beforeAll(async () => {
      modelName = uniqueUcName()
      run = await runAction(
        sourceInputs(modelName, `models:/${logged.workspaceModel}/1`),
        env()
      )
    })

    it('registers a READY version', () => {
      expect(run.result.outcome).toBe('registered')
      expect(standIn.models.get(modelName)?.versions[0]?.status).toBe('READY')
    })

    it('copies the bytes unchanged', async () => {
      expect(await storedFiles(modelName)).toEqual(MODEL_FILES)
      expect(await changedFiles(modelName)).toEqual([])
    })

    it('sends the source and its run id', () => {
      const version = standIn.models.get(modelName)?.versions[0]

      expect(version?.source).toBe(`models:/${logged.workspaceModel}/1`)
      expect(version?.run_id).toBe(logged.runId)
    })
  })

  describe('dry run', () => {
    it('plans the copy without writing', async () => {
      const modelName = uniqueUcName()
      const run = await runAction(
        {
          ...sourceInputs(modelName, `runs:/${logged.runId}/model`),
          'dry-run': 'true'
        },
        env()
      )
      const calls = (run.result.plan?.calls ?? []).map(
        call => `${call.method} ${call.path}`
      )

      expect(run.result.outcome).toBe('dry-run')
      expect(standIn.models.has(modelName)).toBe(false)
      expect(calls).toContain(
        'PUT /<storage location of the new version>/model.skops'
      )
      expect(calls.at(-1)).toBe('POST /api/2.0/mlflow/model-versions/finalize')
    })
  })

  describe('unsupported source', () => {
    it('names an s3:// source and the fix', async () => {
      const before = standIn.requests.length
      const run = await runAction(
        sourceInputs(uniqueUcName(), 's3://models/fraud/model'),
        env()
      )

      expect(run.result.diagnosis?.code).toBe('UNSUPPORTED_FEATURE')
      expect(run.result.diagnosis?.detail).toContain('an S3 URI')
      expect(run.result.diagnosis?.fix).toContain('model-path')
      expect(standIn.requests.length).toBe(before)
    })
  })

  describe('download that fails midway', () => {
    let proxy: FaultProxy

    beforeAll(async () => {
      proxy = await startFaultProxy(front.url)
    })

    afterAll(async () => {
      await proxy.close()
    })

    it('leaves the version pending until a re-run', async () => {
      const modelName = uniqueUcName()
      const runId = uniqueRunId()
      const runEnv = { ...env(runId), DATABRICKS_HOST: proxy.url }
      const runInputs = {
        ...sourceInputs(modelName, `runs:/${logged.runId}/model`),
        'max-attempts': '2',
        'retry-initial-delay': '0.1',
        'on-unavailable': 'fail',
        'bundle-dir': path.join(path.dirname(unsignedModel), 'bundles')
      }
      proxy.setFaults([
        {
          method: 'GET',
          path: '/model.skops',
          times: 10,
          action: { kind: 'truncate' }
        }
      ])
      const failed = await runAction(runInputs, runEnv)
      const pending = standIn.models.get(modelName)?.versions[0]?.status
      proxy.setFaults([])

      const again = await runAction(runInputs, runEnv)

      expect(failed.result.diagnosis?.evidence.request).toMatch(
        /^GET .*\/artifacts\/model\/model\.skops$/
      )
      expect(failed.result.outcome).toBe('deferred')
      expect(proxy.requests.map(request => request.fault)).toContain('truncate')
      expect(pending).toBe('PENDING_REGISTRATION')
      expect(again.result.outcome).toBe('reused')
      expect(standIn.models.get(modelName)?.versions[0]?.status).toBe('READY')
      expect(await changedFiles(modelName)).toEqual([])
    })
  })
})

describe('Unity Catalog bundle sync', () => {
  it('replays a three-part name into Unity Catalog', async () => {
    const proxy = await startFaultProxy(front.url)
    const bundles = await mkdtemp(path.join(tmpdir(), 'uc-bundles-'))
    try {
      const modelName = uniqueUcName()
      // No `registry-uri`: the three-part name alone picks Unity Catalog,
      // and the sync run, which names no model, uses the workspace's
      // registry for its own calls.
      const runEnv = { ...env(), DATABRICKS_HOST: proxy.url }
      proxy.setFaults([
        {
          path: '',
          times: 1000,
          action: { kind: 'respond', response: { status: 503, body: 'down' } }
        }
      ])
      const deferred = await runAction(
        {
          'tracking-uri': 'databricks',
          'model-name': modelName,
          'model-path': 'examples/model',
          'max-attempts': '1',
          'bundle-dir': bundles
        },
        runEnv
      )
      const bundleFiles = bundleTexts(bundles)
      proxy.setFaults([])

      const synced = await runAction(
        { mode: 'sync', 'tracking-uri': 'databricks', 'bundle-dir': bundles },
        runEnv
      )

      expect(deferred.result.outcome).toBe('deferred')
      expect(synced.result.outcome).toBe('synced')
      expect(standIn.models.get(modelName)?.versions[0]?.status).toBe('READY')
      expect(
        proxy.requests.some(request =>
          request.path.includes('/unity-catalog/model-versions/create')
        )
      ).toBe(true)
      expect(Object.keys(bundleFiles)).not.toEqual([])
      expectSecretsAbsent({ values: storageSecrets() }, bundleFiles)
      expect(leakedSecrets(deferred.host, storageSecrets())).toEqual([])
      expect(leakedSecrets(synced.host, storageSecrets())).toEqual([])
    } finally {
      await proxy.close()
      await rm(bundles, { recursive: true, force: true })
    }
  })
})
