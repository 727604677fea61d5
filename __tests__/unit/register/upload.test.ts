/**
 * The upload of a local model directory against the in-process fake,
 * where a lost response to the create of the upload run must not leave a
 * second run behind.
 */
import { randomBytes } from 'node:crypto'
import { cp, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { Agent, type Dispatcher } from 'undici'

import {
  startFakeServer,
  type FakeServer
} from '../../../src/fake-server/index.js'
import {
  KEPT_BYTES_LIMIT,
  listModelDirectory,
  readModelDirectory,
  type ModelDirectory
} from '../../../src/register/model-directory.js'
import {
  UPLOAD_CONCURRENCY,
  UPLOAD_KEY_TAG,
  uploadKey,
  WORKER_STAGGER_MS,
  uploadModelDirectory,
  type UploadPlan
} from '../../../src/register/upload.js'
import { nginxPage } from '../../../src/fake-server/faults/canned.js'
import { proxyPath, uploadArtifact } from '../../../src/mlflow/artifacts.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import { fileUploadBody } from '../../../src/register/file-upload-body.js'
import { CREATE_REQUEST_TAG } from '../../../src/register/read-back-create.js'
import { rejectionOf } from '../fixtures/thrown.js'
import { fakeClient, type FakeClient } from '../fixtures/fake-client.js'
import { fileIdOf } from '../fixtures/file-id.js'

const RUN_CREATE = 'runs/create'
const SCOPE = { modelName: 'fraud-model', experimentName: 'uploads' }
const PLAN: UploadPlan = {
  experimentName: 'uploads',
  artifactPath: 'model',
  runName: 'register-fraud-model',
  runTags: [{ key: 'ci.run_id', value: '42' }]
}

let server: FakeServer
let dispatcher: Agent
let client: FakeClient
let model: ModelDirectory

beforeEach(async () => {
  server = await startFakeServer()
  dispatcher = new Agent()
  client = fakeClient(server, dispatcher)
  model = await readModelDirectory(
    path.resolve(import.meta.dirname, '../../../examples/model')
  )
})

afterEach(async () => {
  await dispatcher.destroy()
  await server.close()
})

/** Lists the runs of the upload experiment in the fake's store. */
function uploadRuns() {
  const experiment = server.state.tracking.findExperimentByName('uploads')
  return experiment
    ? server.state.tracking.listRuns([experiment.experimentId])
    : []
}

function upload() {
  return uploadModelDirectory(client.http, model, PLAN, client.log)
}

describe('uploadModelDirectory run create', () => {
  it('tags the run with its request id', async () => {
    await upload()
    const [run] = uploadRuns()
    expect(run?.tags.get(CREATE_REQUEST_TAG)).toMatch(/^[0-9a-f-]{36}$/)
    expect(run?.tags.get('ci.run_id')).toBe('42')
  })

  it('reuses a run committed before a drop', async () => {
    server.faults.dropAfterCommit(RUN_CREATE, { times: 1 })
    const source = await upload()
    const runs = uploadRuns()
    expect(runs).toHaveLength(1)
    expect(source.source.runId).toBe(runs[0]?.runId)
    expect(server.requests.matching({ path: RUN_CREATE })).toHaveLength(1)
  })

  it('warns that the create had committed', async () => {
    server.faults.dropAfterCommit(RUN_CREATE, { times: 1 })
    await upload()
    const warnings = client.log.lines.filter(l => l.startsWith('warning:'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain('for create run, but it had committed')
  })

  it('creates again when nothing committed', async () => {
    server.faults.drop(RUN_CREATE, { times: 1 })
    const source = await upload()
    const runs = uploadRuns()
    expect(runs).toHaveLength(1)
    expect(source.source.runId).toBe(runs[0]?.runId)
    expect(server.requests.matching({ path: RUN_CREATE })).toHaveLength(2)
  })

  it('ends the run it uploaded into', async () => {
    server.faults.dropAfterCommit(RUN_CREATE, { times: 1 })
    await upload()
    expect(uploadRuns()[0]?.status).toBe('FINISHED')
  })
})

/** Writes three times as many small files as are uploaded at once. */
async function writeManyFiles(): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'many-files-'))
  for (let i = 0; i < UPLOAD_CONCURRENCY * 3; i++) {
    await writeFile(path.join(directory, `part-${i}.bin`), `part ${i}`)
  }
  return directory
}

describe('uploadModelDirectory after a refused file', () => {
  const ARTIFACT_PUT = /\/mlflow-artifacts\/artifacts\//
  let manyFiles: string

  beforeEach(async () => {
    // Three times as many files as are sent at once, so that a file
    // started after the refusal shows in the count.
    manyFiles = await writeManyFiles()
    model = await readModelDirectory(manyFiles)
    // The refusal comes once the first files have all reached the
    // server, while the others are still in flight.
    server.faults.add({
      method: 'PUT',
      path: ARTIFACT_PUT,
      times: 1,
      delayMs: 100,
      respond: nginxPage(413, 'Request Entity Too Large')
    })
    server.faults.delay(ARTIFACT_PUT, 300, { method: 'PUT' })
  })

  afterEach(async () => {
    await rm(manyFiles, { recursive: true, force: true })
  })

  it('starts no further file', async () => {
    await expect(upload()).rejects.toThrow()
    await settle()
    const puts = server.requests.matching({ method: 'PUT', path: ARTIFACT_PUT })
    expect(puts.length).toBeLessThanOrEqual(UPLOAD_CONCURRENCY)
  })

  it('ends the run after the files in flight stop', async () => {
    await expect(upload()).rejects.toThrow()
    await settle()
    expect(server.requests.entries.at(-1)?.path).toMatch(/runs\/update$/)
    expect(uploadRuns()[0]?.status).toBe('FAILED')
  })

  it('retries none of the cancelled files', async () => {
    await expect(upload()).rejects.toThrow()
    await settle()
    expect(client.log.lines.join('\n')).not.toContain('Retrying')
  })
})

describe('uploadModelDirectory worker start', () => {
  /** An agent that notes when each request is handed to it. */
  class TimingAgent extends Agent {
    readonly sent: { method: string; path: string; at: number }[] = []

    override dispatch(
      options: Dispatcher.DispatchOptions,
      handler: Dispatcher.DispatchHandler
    ): boolean {
      const { method, path } = options
      this.sent.push({ method, path, at: performance.now() })
      return super.dispatch(options, handler)
    }
  }

  let manyFiles: string
  let timing: TimingAgent

  beforeEach(async () => {
    manyFiles = await writeManyFiles()
    model = await readModelDirectory(manyFiles)
    timing = new TimingAgent()
    client = fakeClient(server, timing)
    // Each file takes longer than all the pauses, so the first files sent
    // are one from each worker.
    server.faults.delay(/\/mlflow-artifacts\/artifacts\//, 100, {
      method: 'PUT'
    })
  })

  afterEach(async () => {
    await timing.destroy()
    await rm(manyFiles, { recursive: true, force: true })
  })

  // Node's timers can fire up to about 1 ms early, because its clock
  // counts whole milliseconds. So the last worker's first file goes out
  // no sooner than its pause less 1 ms after the run's create was sent.
  it('spaces out the start of the workers', async () => {
    await upload()
    const create = timing.sent.find(sent => sent.path.endsWith(RUN_CREATE))
    const puts = timing.sent.filter(sent => sent.method === 'PUT')
    const createdAt = create?.at ?? Number.NaN
    const lastStartAt = puts[UPLOAD_CONCURRENCY - 1]?.at ?? Number.NaN
    const pause = (UPLOAD_CONCURRENCY - 1) * WORKER_STAGGER_MS
    expect(lastStartAt - createdAt).toBeGreaterThanOrEqual(pause - 1)
  })
})

/** Waits past the fault's delay, so a file still uploading would show. */
function settle(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 700))
}

describe('uploadModelDirectory with an upload key', () => {
  const ARTIFACT_PUT = /\/mlflow-artifacts\/artifacts\//

  function keyedUpload(extraFiles: UploadPlan['extraFiles'] = []) {
    const plan = {
      ...PLAN,
      extraFiles,
      uploadKey: uploadKey('key-1', SCOPE, model)
    }
    return uploadModelDirectory(client.http, model, plan, client.log)
  }

  function artifactPuts() {
    return server.requests.matching({ method: 'PUT', path: ARTIFACT_PUT })
  }

  it('tags the run with the key', async () => {
    await keyedUpload()
    const [run] = uploadRuns()
    expect(run?.tags.get(UPLOAD_KEY_TAG)).toBe(uploadKey('key-1', SCOPE, model))
  })

  it('second upload reuses the run', async () => {
    const first = await keyedUpload()
    const second = await keyedUpload()
    expect(second.source.runId).toBe(first.source.runId)
    expect(uploadRuns()).toHaveLength(1)
  })

  it('second upload sends no stored file', async () => {
    await keyedUpload()
    const sent = artifactPuts().length
    await keyedUpload()
    expect(sent).toBe(model.files.length)
    expect(artifactPuts()).toHaveLength(sent)
  })

  it('key changes with the content', () => {
    const changed = { ...model, contentDigest: '0'.repeat(64) }
    expect(uploadKey('key-1', SCOPE, changed)).not.toBe(
      uploadKey('key-1', SCOPE, model)
    )
  })

  it('key changes with the model name', () => {
    const other = { ...SCOPE, modelName: 'churn-model' }
    expect(uploadKey('key-1', other, model)).not.toBe(
      uploadKey('key-1', SCOPE, model)
    )
  })

  it('key changes with the experiment', () => {
    const other = { ...SCOPE, experimentName: 'other-uploads' }
    expect(uploadKey('key-1', other, model)).not.toBe(
      uploadKey('key-1', SCOPE, model)
    )
  })

  it('failed resume leaves a finished run', async () => {
    await keyedUpload()
    // The listing of the stored files fails, so the resumed upload fails
    // before it sends a file.
    server.faults.add({
      method: 'GET',
      path: /\/mlflow-artifacts\/artifacts$/,
      respond: nginxPage(403, 'Forbidden')
    })
    await expect(keyedUpload()).rejects.toThrow()
    expect(uploadRuns()).toHaveLength(1)
    expect(uploadRuns()[0]?.status).toBe('FINISHED')
  })

  it('failed resume ends an unfinished run', async () => {
    server.faults.add({
      method: 'PUT',
      path: ARTIFACT_PUT,
      times: 1,
      respond: nginxPage(413, 'Request Entity Too Large')
    })
    await expect(keyedUpload()).rejects.toThrow()
    server.faults.add({
      method: 'GET',
      path: /\/mlflow-artifacts\/artifacts$/,
      respond: nginxPage(403, 'Forbidden')
    })
    await expect(keyedUpload()).rejects.toThrow()
    expect(uploadRuns()).toHaveLength(1)
    expect(uploadRuns()[0]?.status).toBe('FAILED')
  })

  it('resumed signed upload counts the signature', async () => {
    const signature = [{ relativePath: 'model.sig', text: '{}' }]
    await keyedUpload(signature)
    client.log.lines.length = 0
    await keyedUpload(signature)
    const lines = client.log.lines
    expect(lines).toContain('info: Uploaded 1 file')
    expect(lines.some(l => l.startsWith('info: Uploading 1 file ('))).toBe(true)
  })
})

describe('uploadModelDirectory with a generated signature', () => {
  const SIGNATURE = 'generated signature'
  let directory: string

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'upload-signed-'))
    const source = path.resolve(import.meta.dirname, '../../../examples/model')
    await cp(source, directory, { recursive: true })
  })

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  async function signedUpload() {
    const signed = await readModelDirectory(directory)
    const plan = {
      ...PLAN,
      extraFiles: [{ relativePath: 'model.sig', text: SIGNATURE }]
    }
    return uploadModelDirectory(client.http, signed, plan, client.log)
  }

  it('replaces a local model.sig', async () => {
    await writeFile(path.join(directory, 'model.sig'), 'an older signature')
    await expect(signedUpload()).resolves.toBeDefined()
  })

  it('counts the signature in both logs', async () => {
    await signedUpload()
    const total = model.files.length + 1
    const lines = client.log.lines
    expect(lines).toContain(`info: Uploaded ${total} files`)
    expect(
      lines.some(l => l.startsWith(`info: Uploading ${total} files (`))
    ).toBe(true)
  })
})

describe('uploadArtifact after a file grew', () => {
  let directory: string

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'upload-grown-'))
  })

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  // A file listed with 4 KiB and holding 8 KiB now must not be stored as
  // its first 4 KiB. Whether the read past the listed size comes before
  // the server's response depends on timing, so several files are sent.
  it('fails for every grown file', async () => {
    for (let i = 0; i < 32; i++) {
      const file = path.join(directory, `weights-${i}.bin`)
      await writeFile(file, Buffer.alloc(8192))
      const listed = {
        relativePath: `weights-${i}.bin`,
        absolutePath: file,
        size: 4096,
        isSymlink: false,
        fileId: fileIdOf(file)
      }
      const destination = `1/run/artifacts/model/weights-${i}.bin`
      await expect(
        uploadArtifact(client.http, destination, fileUploadBody(listed))
      ).rejects.toThrow(
        `weights-${i}.bin had 4096 bytes when the model directory was ` +
          'listed and is now larger'
      )
    }
  })
})

describe('uploadArtifact after a file was removed', () => {
  let directory: string

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'upload-gone-'))
  })

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  // A local file's failure is the model input's, not a connection's: as
  // a connection failure it would defer the registration into a bundle
  // that lacks the file.
  it('fails as the model input, not as the server', async () => {
    const file = path.join(directory, 'weights.bin')
    await writeFile(file, Buffer.alloc(100_000))
    const listed = {
      relativePath: 'sub/weights.bin',
      absolutePath: file,
      size: 100_000,
      isSymlink: false,
      fileId: fileIdOf(file)
    }
    await rm(file)
    const failure = await rejectionOf(
      uploadArtifact(
        client.http,
        '1/run/artifacts/model/sub/weights.bin',
        fileUploadBody(listed)
      )
    )
    expect(failure).toBeInstanceOf(DiagnosedError)
    const { diagnosis } = failure as DiagnosedError
    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.detail).toContain('sub/weights.bin was a regular file')
  })
})

describe('uploadModelDirectory of small files', () => {
  let directory: string

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'upload-small-'))
    await writeFile(path.join(directory, 'MLmodel'), 'flavors: {}\n')
    await writeFile(path.join(directory, 'weights.bin'), 'hashed bytes')
  })

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  // MLflow lists an empty file without a size, and so does the fake.
  it('uploads an empty file', async () => {
    await writeFile(path.join(directory, '__init__.py'), '')
    model = await readModelDirectory(directory, KEPT_BYTES_LIMIT)
    const { source } = (await upload()).source
    const stored = await server.state.artifacts.get(
      `${proxyPath(source)}/__init__.py`
    )
    expect(stored?.length).toBe(0)
  })

  // The bytes kept from hashing are sent, so a file rewritten after the
  // hash cannot make the stored model differ from its digest.
  it('sends the bytes that were hashed', async () => {
    model = await readModelDirectory(directory, KEPT_BYTES_LIMIT)
    await writeFile(path.join(directory, 'weights.bin'), 'edited bytes')
    const { source } = (await upload()).source
    const stored = await server.state.artifacts.get(
      `${proxyPath(source)}/weights.bin`
    )
    expect(stored?.toString()).toBe('hashed bytes')
  })

  // A file read from disk again is hashed as it is sent, and must still
  // have the contents it had when the directory was read.
  it('fails for a file changed since it was hashed', async () => {
    model = await readModelDirectory(directory)
    await writeFile(path.join(directory, 'weights.bin'), 'changed byte')
    await expect(upload()).rejects.toThrow(
      'weights.bin changed while the model was registered'
    )
    expect(uploadRuns()[0]?.status).toBe('FAILED')
  })
})

describe('uploadModelDirectory of a directory listed unhashed', () => {
  let directory: string

  beforeEach(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'upload-listed-'))
    await writeFile(path.join(directory, 'MLmodel'), 'flavors: {}\n')
    // One file of several reads, one of a single read, one kept.
    await writeFile(path.join(directory, 'weights.bin'), randomBytes(3 << 20))
    await writeFile(path.join(directory, 'vocab.bin'), randomBytes(200_000))
    await writeFile(path.join(directory, 'other.bin'), 'other bytes')
  })

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true })
  })

  function uploadListed(plan: UploadPlan = PLAN) {
    return listModelDirectory(directory, KEPT_BYTES_LIMIT).then(listed =>
      uploadModelDirectory(client.http, listed, plan, client.log)
    )
  }

  it('hashes the large files as it sends them', async () => {
    const { directory: uploaded } = await uploadListed()
    const read = await readModelDirectory(directory, KEPT_BYTES_LIMIT)
    expect(uploaded.files.map(file => file.sha256)).toEqual(
      read.files.map(file => file.sha256)
    )
    expect(uploaded.contentDigest).toBe(read.contentDigest)
  })

  it('sets the digest tags on the run before it ends', async () => {
    await uploadListed({
      ...PLAN,
      digestTags: done => [{ key: 'model.digest', value: done.contentDigest }]
    })
    const read = await readModelDirectory(directory)
    const [run] = uploadRuns()
    expect(run?.tags.get('model.digest')).toBe(read.contentDigest)
    const calls = server.requests.entries.map(request => request.path)
    const tagged = calls.findIndex(call => call.endsWith('runs/set-tag'))
    expect(tagged).toBeGreaterThan(0)
    expect(tagged).toBeLessThan(
      calls.findLastIndex(call => call.endsWith('runs/update'))
    )
  })

  // A retry sends the file from its start, and the hash starts over too.
  it('hashes only the bytes of the attempt that was stored', async () => {
    server.faults.dropAfterCommit('model/weights.bin', { times: 1 })
    const { directory: uploaded } = await uploadListed()
    const read = await readModelDirectory(directory)
    expect(uploaded.contentDigest).toBe(read.contentDigest)
    const puts = server.requests.matching({ path: 'model/weights.bin' })
    expect(puts).toHaveLength(2)
  })

  // The check comes before the last chunk goes out, so the server never
  // has the whole of a changed file, and a later attempt sends it again.
  it.each([
    ['changed', 'weights.bin changed while the model was registered', 3 << 20],
    ['grown', 'weights.bin had 3145728 bytes when', (3 << 20) + 72],
    ['shrunk', 'and is now smaller', 2 << 20]
  ])('stores no %s large file', async (_case, message, size) => {
    const read = await readModelDirectory(directory, KEPT_BYTES_LIMIT)
    await writeFile(path.join(directory, 'weights.bin'), randomBytes(size))
    const failure = await rejectionOf(
      uploadModelDirectory(client.http, read, PLAN, client.log)
    )
    expect(failure).toBeInstanceOf(DiagnosedError)
    expect((failure as DiagnosedError).diagnosis.code).toBe('CLIENT_CONFIG')
    expect((failure as Error).message).toContain(message)
    const root = proxyPath(uploadRuns()[0]?.artifactUri ?? '') ?? ''
    const stored = await server.state.artifacts.get(`${root}/model/weights.bin`)
    expect(stored).toBeUndefined()
  })

  it('sends a file again once it is restored', async () => {
    const weights = path.join(directory, 'weights.bin')
    const original = randomBytes(3 << 20)
    await writeFile(weights, original)
    const read = await readModelDirectory(directory, KEPT_BYTES_LIMIT)
    const plan = { ...PLAN, uploadKey: uploadKey('key-1', SCOPE, read) }
    await writeFile(weights, randomBytes(3 << 20))
    await expect(
      uploadModelDirectory(client.http, read, plan, client.log)
    ).rejects.toThrow('weights.bin changed')
    await writeFile(weights, original)
    const { source } = (
      await uploadModelDirectory(client.http, read, plan, client.log)
    ).source
    const stored = await server.state.artifacts.get(
      `${proxyPath(source)}/weights.bin`
    )
    expect(stored?.equals(original)).toBe(true)
    expect(uploadRuns()).toHaveLength(1)
  })

  it('refuses a large file replaced by a link', async () => {
    const listed = await listModelDirectory(directory, KEPT_BYTES_LIMIT)
    const weights = path.join(directory, 'weights.bin')
    await rm(weights)
    await symlink(path.join(directory, 'vocab.bin'), weights)
    const failure = await rejectionOf(
      uploadModelDirectory(client.http, listed, PLAN, client.log)
    )
    expect(failure).toBeInstanceOf(DiagnosedError)
    expect((failure as Error).message).toContain(
      'weights.bin was a regular file when the model directory was listed ' +
        'and is now a symbolic link'
    )
    expect(uploadRuns()[0]?.status).toBe('FAILED')
  })
})
