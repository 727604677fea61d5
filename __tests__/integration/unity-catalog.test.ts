import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { IDEMPOTENCY_TAG } from '../../src/register/provenance.js'
import { startMoto, type MotoServer } from '../support/moto-server.js'
import {
  githubEnv,
  leakedSecrets,
  runAction,
  uniqueRunId,
  type ActionRun
} from '../support/registration.js'
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

  it('masks the token and storage secrets', () => {
    const secrets = [
      TOKEN,
      moto.temporary.secretAccessKey,
      moto.temporary.sessionToken ?? ''
    ]

    expect(leakedSecrets(first.host, secrets)).toEqual([])
    expect(first.host.secrets).toContain(moto.temporary.secretAccessKey)
    expect(first.host.secrets).toContain(moto.temporary.sessionToken)
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

  it('names unsupported default storage', async () => {
    const modelName = uniqueUcName()
    standIn.behaviour.storage = 'default'
    try {
      const run = await runAction(inputs(modelName), env())

      expect(run.result.diagnosis?.code).toBe('UNSUPPORTED_STORAGE')
      expect(run.result.diagnosis?.detail).toContain('presigned URLs')
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
