import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { CHUNK_BYTES } from '../../src/storage/file-chunks.js'
import { startMoto, type MotoServer } from '../support/moto-server.js'
import {
  githubEnv,
  leakedSecrets,
  runAction,
  type ActionRun
} from '../support/registration.js'
import { testServers } from '../support/servers.js'
import { startAzurite, type Azurite } from '../support/uc/azurite.js'
import { startFakeGcs, type FakeGcs } from '../support/uc/fake-gcs.js'
import {
  startUnityCatalogStandIn,
  type StorageKind,
  type UnityCatalogStandIn
} from '../support/unity-catalog-standin.js'
import {
  startWorkspaceFront,
  type WorkspaceFront
} from '../support/workspace-front.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(180_000)

const TOKEN = 'dapi-unity-catalog-storage-token'
/** A file larger than one chunk, so it goes up in several parts. */
const LARGE_FILE = 'weights.bin'

let moto: MotoServer
let azurite: Azurite
let gcs: FakeGcs
let standIn: UnityCatalogStandIn
let front: WorkspaceFront
let modelDir: string
/** Stops what beforeAll started, so far as it got, in reverse order. */
const cleanups: (() => Promise<void>)[] = []

beforeAll(async () => {
  moto = await startMoto()
  cleanups.push(() => moto.stop())
  azurite = await startAzurite()
  cleanups.push(() => azurite.stop())
  gcs = await startFakeGcs()
  cleanups.push(() => gcs.stop())
  standIn = await startUnityCatalogStandIn({
    moto,
    token: TOKEN,
    azurite,
    gcs
  })
  cleanups.push(() => standIn.stop())
  const plain = testServers().plain.url
  front = await startWorkspaceFront({
    provider: plain,
    mlflow: plain,
    unityCatalog: standIn.url
  })
  cleanups.push(() => front.stop())
  modelDir = await modelWithLargeFile()
  cleanups.push(() =>
    rm(path.dirname(modelDir), { recursive: true, force: true })
  )
})

afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** Copies the example model and adds a file of one chunk and a half. */
async function modelWithLargeFile(): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'uc-storage-'))
  const target = path.join(root, 'model')
  await cp('examples/model', target, { recursive: true })
  const size = CHUNK_BYTES + CHUNK_BYTES / 2 + 17
  await writeFile(path.join(target, LARGE_FILE), randomBytes(size))
  await writeFile(path.join(target, 'empty.txt'), '')
  return target
}

let counter = 0
function uniqueUcName(): string {
  counter++
  return `main.ml.storage_${process.pid}_${Date.now().toString(36)}_${counter}`
}

/** Runs a registration with new versions placed in one storage kind. */
async function registerIn(
  storage: StorageKind,
  env: NodeJS.ProcessEnv
): Promise<{ run: ActionRun; name: string }> {
  const name = uniqueUcName()
  standIn.behaviour.storage = storage
  try {
    const run = await runAction(
      {
        'tracking-uri': 'databricks',
        'registry-uri': 'databricks-uc',
        'model-name': name,
        'model-path': modelDir
      },
      {
        ...githubEnv(),
        DATABRICKS_HOST: front.url,
        DATABRICKS_TOKEN: TOKEN,
        ...env
      }
    )
    return { run, name }
  } finally {
    standIn.behaviour.storage = 's3'
  }
}

function locationOf(name: string): string {
  return standIn.models.get(name)?.versions[0]?.storage_location ?? ''
}

/** Lists a local directory's files with `/`, as the storage names them. */
async function localFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true })
  return entries
    .filter(entry => entry.isFile())
    .map(entry => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .map(file => file.split(path.sep).join('/'))
    .sort()
}

describe('Unity Catalog storage on Azure', () => {
  let run: ActionRun
  let name: string

  beforeAll(async () => {
    ;({ run, name } = await registerIn('azure', {
      AZURE_STORAGE_CONNECTION_STRING: `BlobEndpoint=${azurite.blobUrl};`
    }))
  })

  it('registers a READY version', () => {
    expect(run.result.outcome).toBe('registered')
    expect(standIn.models.get(name)?.versions[0]?.status).toBe('READY')
  })

  it('uploads every file to the container', async () => {
    const stored = await standIn.storedFiles(locationOf(name))

    expect(stored.sort()).toEqual(await localFiles(modelDir))
  })

  it('stores each file byte for byte', async () => {
    for (const file of await localFiles(modelDir)) {
      const stored = await standIn.readStored(locationOf(name), file)
      const local = await readFile(path.join(modelDir, file))

      expect({ file, equal: stored.equals(local) }).toEqual({
        file,
        equal: true
      })
    }
  })

  it('sends the large file in blocks', () => {
    const puts = run.host.lines.filter(
      line =>
        line.message.startsWith('PUT ') &&
        line.message.includes(`/${LARGE_FILE} `)
    )

    // Two Put Block requests and one Put Block List.
    expect(puts).toHaveLength(3)
  })

  it('masks the SAS token', () => {
    expect(standIn.issuedSecrets.length).toBeGreaterThan(0)
    expect(leakedSecrets(run.host, [TOKEN, ...standIn.issuedSecrets])).toEqual(
      []
    )
    for (const secret of standIn.issuedSecrets) {
      expect(run.host.secrets).toContain(secret)
    }
  })
})

describe('Unity Catalog storage on Google Cloud Storage', () => {
  let run: ActionRun
  let name: string

  beforeAll(async () => {
    ;({ run, name } = await registerIn('gcs', {
      STORAGE_EMULATOR_HOST: gcs.url
    }))
  })

  it('registers a READY version', () => {
    expect(run.result.outcome).toBe('registered')
    expect(standIn.models.get(name)?.versions[0]?.status).toBe('READY')
  })

  it('uploads every file to the bucket', async () => {
    const stored = await standIn.storedFiles(locationOf(name))

    expect(stored.sort()).toEqual(await localFiles(modelDir))
  })

  it('stores each file byte for byte', async () => {
    for (const file of await localFiles(modelDir)) {
      const stored = await standIn.readStored(locationOf(name), file)
      const local = await readFile(path.join(modelDir, file))

      expect({ file, equal: stored.equals(local) }).toEqual({
        file,
        equal: true
      })
    }
  })

  it('sends the large file in chunks', () => {
    const puts = run.host.lines.filter(
      line => line.message.startsWith('PUT ') && line.message.includes(gcs.url)
    )

    // A resumable upload of one chunk and a half: two PUT requests.
    expect(puts).toHaveLength(2)
  })

  it('masks the OAuth token', () => {
    const tokens = standIn.issuedSecrets.filter(secret =>
      secret.startsWith('ya29.')
    )

    expect(tokens.length).toBeGreaterThan(0)
    expect(leakedSecrets(run.host, [TOKEN, ...tokens])).toEqual([])
    for (const token of tokens) expect(run.host.secrets).toContain(token)
  })
})

describe('Unity Catalog storage on R2', () => {
  let run: ActionRun
  let name: string

  beforeAll(async () => {
    ;({ run, name } = await registerIn('r2', {
      MLFLOW_R2_ENDPOINT_URL: moto.url
    }))
  })

  it('registers a READY version', () => {
    expect(run.result.outcome).toBe('registered')
    expect(standIn.models.get(name)?.versions[0]?.status).toBe('READY')
  })

  it('uploads every file to the bucket', async () => {
    const stored = await standIn.storedFiles(locationOf(name))

    expect(stored.sort()).toEqual(await localFiles(modelDir))
  })

  it('sends path-style requests to the endpoint', () => {
    const debug = run.host.lines.map(line => line.message).join('\n')

    expect(debug).toContain(`PUT ${moto.url}/${moto.bucket}/`)
  })

  it('masks the secret key and session token', () => {
    const secrets = [
      moto.temporary.secretAccessKey,
      moto.temporary.sessionToken ?? ''
    ]

    expect(leakedSecrets(run.host, [TOKEN, ...secrets])).toEqual([])
    expect(run.host.secrets).toContain(moto.temporary.secretAccessKey)
  })
})

describe('Unity Catalog storage rejections', () => {
  it('diagnoses a rejected R2 key', async () => {
    standIn.behaviour.rejectedCredentials = true
    let outcome
    try {
      outcome = await registerIn('r2', { MLFLOW_R2_ENDPOINT_URL: moto.url })
    } finally {
      standIn.behaviour.rejectedCredentials = false
    }
    const diagnosis = outcome.run.result.diagnosis

    expect(diagnosis?.code).toBe('STORAGE_REJECTED')
    expect(diagnosis?.detail).toContain('Cloudflare R2')
    expect(diagnosis?.detail).toContain('SignatureDoesNotMatch')
    expect(leakedSecrets(outcome.run.host, standIn.issuedSecrets)).toEqual([])
  })

  it('diagnoses an expired Azure SAS', async () => {
    standIn.behaviour.rejectedCredentials = true
    let outcome
    try {
      outcome = await registerIn('azure', {
        AZURE_STORAGE_CONNECTION_STRING: `BlobEndpoint=${azurite.blobUrl};`
      })
    } finally {
      standIn.behaviour.rejectedCredentials = false
    }
    const diagnosis = outcome.run.result.diagnosis

    expect(diagnosis?.code).toBe('STORAGE_REJECTED')
    expect(diagnosis?.detail).toContain('Azure Data Lake Storage')
    expect(diagnosis?.detail).toContain('expired at')
    expect(diagnosis?.fix).toContain('Run the job again')
    expect(leakedSecrets(outcome.run.host, standIn.issuedSecrets)).toEqual([])
  })

  it('rejects a plain http emulator off loopback', async () => {
    const { run } = await registerIn('azure', {
      AZURE_STORAGE_CONNECTION_STRING:
        'BlobEndpoint=http://storage.example.com/devstoreaccount1;'
    })

    expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
    expect(run.result.diagnosis?.detail).toContain(
      'AZURE_STORAGE_CONNECTION_STRING'
    )
  })

  it('names a storage kind without a writer', async () => {
    const { run } = await registerIn('unnamed', {})

    expect(run.result.diagnosis?.code).toBe('UNSUPPORTED_STORAGE')
    expect(run.result.diagnosis?.detail).toContain('did not name')
  })
})

describe('Unity Catalog default storage', () => {
  let run: ActionRun
  let name: string
  let requestsBefore: number

  beforeAll(async () => {
    requestsBefore = standIn.requests.length
    standIn.presignedPuts.length = 0
    ;({ run, name } = await registerIn('default', {}))
  })

  function uploadUrlRequests(): number {
    return standIn.requests
      .slice(requestsBefore)
      .filter(route => route === 'POST fs/create-upload-url').length
  }

  it('registers a READY version', () => {
    expect(run.result.outcome).toBe('registered')
    expect(standIn.models.get(name)?.versions[0]?.status).toBe('READY')
  })

  it('stores each file byte for byte', async () => {
    const location = locationOf(name).replace(/^s3:\/\/[^/]+\//, '')
    const files = await localFiles(modelDir)

    expect((await standIn.storedFiles(locationOf(name))).sort()).toEqual(files)
    for (const file of files) {
      const stored = await standIn.getObject(`${location}/${file}`)
      const local = await readFile(path.join(modelDir, file))

      expect({ file, equal: stored.equals(local) }).toEqual({
        file,
        equal: true
      })
    }
  })

  it('requests one upload URL per file', async () => {
    expect(uploadUrlRequests()).toBe((await localFiles(modelDir)).length)
  })

  it('sends no workspace credentials to the URLs', () => {
    expect(standIn.presignedPuts.length).toBeGreaterThan(0)
    expect(standIn.presignedPuts.filter(put => put.authorization)).toEqual([])
  })

  it('keeps the URL signatures out of the output', () => {
    const text = run.host.visibleText()

    expect(standIn.issuedSecrets.length).toBeGreaterThan(0)
    expect(leakedSecrets(run.host, [TOKEN, ...standIn.issuedSecrets])).toEqual(
      []
    )
    expect(text).not.toMatch(/X-Amz-(Signature|Credential|Date)/i)
    expect(text).toContain(`PUT ${standIn.url}/presigned/`)
  })

  it('masks the URL signatures', () => {
    const signatures = standIn.issuedSecrets.filter(secret =>
      /^[0-9a-f]{64}$/.test(secret)
    )

    expect(signatures.length).toBeGreaterThan(0)
    for (const signature of signatures) {
      expect(run.host.secrets).toContain(signature)
    }
  })
})

describe('Unity Catalog default storage with an expired URL', () => {
  let run: ActionRun
  let name: string
  let putsBefore: number

  beforeAll(async () => {
    putsBefore = standIn.presignedPuts.length
    standIn.behaviour.expiredUploadUrls = 1
    try {
      ;({ run, name } = await registerIn('default', {}))
    } finally {
      standIn.behaviour.expiredUploadUrls = 0
    }
  })

  it('registers a READY version', () => {
    expect(run.result.outcome).toBe('registered')
    expect(standIn.models.get(name)?.versions[0]?.status).toBe('READY')
  })

  it('resends the rejected file once', async () => {
    const puts = standIn.presignedPuts.slice(putsBefore)
    const rejected = puts.filter(put => put.status === 403)

    expect(rejected).toHaveLength(1)
    expect(puts).toHaveLength((await localFiles(modelDir)).length + 1)
    expect(puts[1]?.key).toBe(rejected[0]?.key)
    expect(puts[1]?.status).toBe(200)
  })

  it('logs the new URL request', () => {
    const text = run.host.logText()

    expect(text).toContain('requesting a new URL')
    expect(leakedSecrets(run.host, standIn.issuedSecrets)).toEqual([])
  })
})

describe('Unity Catalog default storage rejected by the workspace', () => {
  let run: ActionRun

  beforeAll(async () => {
    standIn.behaviour.rejectUploadUrls = true
    try {
      ;({ run } = await registerIn('default', {
        INPUT_ON_UNAVAILABLE: 'fail'
      }))
    } finally {
      standIn.behaviour.rejectUploadUrls = false
    }
  })

  it('blames the workspace, not the storage', () => {
    expect(run.result.outcome).toBe('failed')
    expect(run.result.diagnosis?.code).not.toBe('STORAGE_REJECTED')
    expect(run.result.diagnosis?.evidence.status).toBe(403)
  })
})

describe('Unity Catalog credential refresh', () => {
  function credentialRequests(since: number): number {
    return standIn.requests
      .slice(since)
      .filter(
        route => route === 'POST model-versions/generate-temporary-credentials'
      ).length
  }

  it('requests credentials once when they last', async () => {
    const before = standIn.requests.length
    const { run } = await registerIn('s3', {
      MLFLOW_S3_ENDPOINT_URL: moto.url
    })

    expect(run.result.outcome).toBe('registered')
    expect(credentialRequests(before)).toBe(1)
  })

  it('keeps short-lived credentials while they last', async () => {
    const before = standIn.requests.length
    standIn.behaviour.credentialLifetimeMs = 3_000
    let outcome
    try {
      outcome = await registerIn('s3', { MLFLOW_S3_ENDPOINT_URL: moto.url })
    } finally {
      standIn.behaviour.credentialLifetimeMs = undefined
    }

    // Renewal starts at half a short lifetime, 1.5 s here, which the
    // seven small files take far less than; storage-credentials.test.ts
    // moves a clock past it.
    expect(outcome.run.result.outcome).toBe('registered')
    expect(credentialRequests(before)).toBe(1)
  })
})
