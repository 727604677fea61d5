import { setTimeout as sleep } from 'node:timers/promises'

import type { Tag } from '../config/config.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { MAX_CONNECTIONS } from '../http/dispatcher.js'
import {
  listStoredSizes,
  verifyUploadedSizes
} from '../mlflow/artifact-sizes.js'
import {
  proxyPath,
  uploadArtifact,
  uploadArtifactText
} from '../mlflow/artifacts.js'
import { isAlreadyExists } from '../mlflow/registry.js'
import type { RunInfo } from '../mlflow/schemas.js'
import {
  createExperiment,
  createRun,
  endRun,
  findRunByTag,
  getExperimentId,
  setRunTag
} from '../mlflow/tracking.js'
import { nodeCrypto } from '../node-crypto.js'
import { countOf } from '../text/plural.js'
import { formatBytes } from './byte-size.js'
import { explainArtifactRefusal } from './artifact-permission.js'
import { fileUploadBody } from './file-upload-body.js'
import { checkProxyFileNames } from './proxy-file-names.js'
import {
  completeDirectory,
  type ListedFile,
  type ListedModelDirectory,
  type ModelDirectory,
  type ModelFile
} from './model-directory.js'
import { createWithReadBack, newCreateRequestTag } from './read-back-create.js'
import type { ResolvedSource } from './source.js'
import { fileProgressLogger } from './upload-progress.js'

/** Where and how to upload a local model directory. */
export interface UploadPlan {
  readonly experimentName: string
  readonly artifactPath: string
  readonly runName: string
  readonly runTags: readonly Tag[]
  /**
   * Small generated files uploaded beside the model's, such as the
   * signature; each replaces a model file of the same path.
   */
  readonly extraFiles?: readonly GeneratedFile[]
  /**
   * The {@link uploadKey} of this upload. An earlier attempt's run tagged
   * with it is uploaded into again, and its files that are already
   * stored with the right size are not sent again. Leave it out when the
   * upload must go into a new run, such as for `force-new-version`.
   */
  readonly uploadKey?: string
  /**
   * Run tags that need the SHA-256 of the files that the upload hashes
   * as it sends them, such as the model digest. They are set once the
   * files are stored, before the run ends.
   */
  readonly digestTags?: (directory: ModelDirectory) => readonly Tag[]
}

/** A model directory stored in a run, with every file hashed. */
export interface UploadedModel {
  readonly source: ResolvedSource
  readonly directory: ModelDirectory
}

/** The registration an upload belongs to, as part of its upload key. */
export interface UploadScope {
  readonly modelName: string
  readonly experimentName: string
}

/** A small file made by the action, uploaded from memory. */
export interface GeneratedFile {
  readonly relativePath: string
  readonly text: string
}

/** The run tag that contains the {@link uploadKey} of the run's upload. */
export const UPLOAD_KEY_TAG = 'mlflow_register.upload_key'

/**
 * Derives the key that finds an upload again in a later attempt: a hash
 * of the registration's idempotency key, model name, experiment and the
 * model's content digest. An `idempotency-key` input stays the same when
 * the files change, so the digest keeps a stored file of the same size
 * from counting as uploaded. The model name and experiment keep one
 * fixed key from sharing a run between registrations of other models.
 */
export function uploadKey(
  idempotencyKey: string,
  scope: UploadScope,
  directory: ModelDirectory
): string {
  const parts = [
    idempotencyKey,
    scope.modelName,
    scope.experimentName,
    directory.contentDigest
  ]
  return nodeCrypto()
    .createHash('sha256')
    .update(JSON.stringify(parts))
    .digest('hex')
}

/**
 * Files uploaded at once, one connection each. The artifact proxy takes
 * one PUT per file, and each keep-alive connection stays with the server
 * worker that accepted it, so more connections make it likelier that
 * every worker gets some. Against MLflow with 2 workers, 2,000 files of
 * 4 KiB took 3.4 to 4.1 s with 8 at once and 4.4 to 6.1 s with 4.
 */
export const UPLOAD_CONCURRENCY = MAX_CONNECTIONS

/**
 * The pause before each further upload worker starts, and so before each
 * further connection opens. The processes of a multi-worker server share
 * one listening socket, and when connections arrive together while the
 * server is idle, one process may accept them all and do all the work.
 * Against MLflow with 2 workers, uploads of 2,000 files of 4 KiB whose
 * connections opened together went all to one worker in 8 of 25 runs,
 * and took 5.5 to 7.0 s where the others took 3.7 to 4.3 s. Opened 4 ms
 * apart, none of 25 did: a later connection arrives while the first
 * uploads keep one process busy, so the idle one accepts it.
 */
export const WORKER_STAGGER_MS = 4

/**
 * Uploads a local model directory into a new run through the server's
 * artifact proxy, and returns the run's model directory as the source.
 * Each file read from disk is hashed as it is sent: a file not hashed
 * before gets its SHA-256 so, and one hashed before must still match.
 */
export async function uploadModelDirectory(
  http: HttpClient,
  directory: ModelDirectory | ListedModelDirectory,
  plan: UploadPlan,
  log: Logger
): Promise<UploadedModel> {
  checkProxyFileNames(directory.files)
  const experimentId = await ensureExperiment(http, plan.experimentName, log)
  const earlier = await findEarlierUploadRun(http, experimentId, plan)
  const run = earlier ?? (await createUploadRun(http, experimentId, plan, log))
  // A run that an earlier attempt finished may be the source of a version
  // already, so a failure of this attempt leaves its status as it is.
  const failRun = async (): Promise<void> => {
    if (earlier?.status === 'FINISHED') return
    await endRun(http, run.run_id, 'FAILED')
  }
  const root = run.artifact_uri ? proxyPath(run.artifact_uri) : undefined
  if (root === undefined) {
    await failRun()
    throw new DiagnosedError(
      diagnose(
        'UNSUPPORTED_FEATURE',
        `Run ${run.run_id} stores artifacts at ` +
          `${run.artifact_uri ?? '(none)'}, ` +
          "not through the server's artifact proxy, so the action cannot " +
          'upload into it.',
        'Start the server with --serve-artifacts and the default artifact ' +
          'root, or upload the model with the MLflow client and register ' +
          'its `source`.'
      )
    )
  }

  const destination = `${root}/${plan.artifactPath}`
  const extraFiles = plan.extraFiles ?? []
  // A generated file replaces the model file of the same path, so that
  // model file is neither sent nor checked.
  const replaced = new Set(extraFiles.map(file => file.relativePath))
  const modelFiles = directory.files.filter(f => !replaced.has(f.relativePath))
  const generated = extraFiles.map(file => ({
    ...file,
    size: Buffer.byteLength(file.text)
  }))
  let complete: ModelDirectory
  try {
    const pending = earlier
      ? await skipStoredFiles(http, modelFiles, destination, run.run_id, log)
      : modelFiles
    log.info(
      `Uploading ${countOf(pending.length + generated.length, 'file')} ` +
        `(${formatBytes(sumBytes(pending) + sumBytes(generated))}) into ` +
        `run ${run.run_id} of experiment '${plan.experimentName}'`
    )
    const sent = await uploadFiles(http, pending, destination, generated, log)
    await verifyUploadedSizes(http, destination, [...modelFiles, ...generated])
    complete = await completeDirectory(directory, sent)
    for (const tag of plan.digestTags?.(complete) ?? []) {
      await setRunTag(http, run.run_id, tag)
    }
  } catch (error) {
    await failRun().catch(() => undefined)
    throw explainArtifactRefusal(error, {
      experimentId,
      runId: run.run_id,
      root
    })
  }
  await endRun(http, run.run_id, 'FINISHED')
  const source = {
    source: `${run.artifact_uri}/${plan.artifactPath}`,
    runId: run.run_id
  }
  return { source, directory: complete }
}

/**
 * Finds the run that an earlier attempt of the same upload created, by
 * its upload key tag. The run may have been marked FAILED, because the
 * upload into it failed; it is marked FINISHED once this upload is done.
 */
async function findEarlierUploadRun(
  http: HttpClient,
  experimentId: string,
  plan: UploadPlan
): Promise<RunInfo | undefined> {
  if (plan.uploadKey === undefined) return undefined
  const tag = { key: UPLOAD_KEY_TAG, value: plan.uploadKey }
  return findRunByTag(http, experimentId, tag)
}

/**
 * Lists what an earlier attempt stored in the run and returns the files
 * still to send: those the proxy does not list with the same size.
 * NOTE: the artifact proxy lists no checksum, so a stored file of the
 * right size counts as uploaded. The upload key makes that safe for
 * intact files, because it changes when any file's content changes.
 */
async function skipStoredFiles(
  http: HttpClient,
  files: readonly SentFile[],
  destination: string,
  runId: string,
  log: Logger
): Promise<SentFile[]> {
  const stored = await listStoredSizes(http, destination, files)
  const pending = files.filter(
    file => stored.get(file.relativePath) !== file.size
  )
  const skipped = files.length - pending.length
  log.info(
    `Run ${runId} is from an earlier attempt of this upload and already ` +
      `stores ${skipped} of ${countOf(files.length, 'file')} with the ` +
      `same size (${formatBytes(sumBytes(files) - sumBytes(pending))}); ` +
      'they are not sent again.'
  )
  return pending
}

function sumBytes(files: readonly { readonly size: number }[]): number {
  return files.reduce((total, file) => total + file.size, 0)
}

/**
 * Creates the run to upload into. A create that fails in transit is
 * looked up by its request tag before it is sent again.
 * NOTE: a create that the server commits only after that lookup found
 * nothing, such as one delayed past the request timeout, still leaves a
 * second, unused run.
 */
function createUploadRun(
  http: HttpClient,
  experimentId: string,
  plan: UploadPlan,
  log: Logger
): Promise<RunInfo> {
  const requestTag = newCreateRequestTag()
  const tags = [...plan.runTags, requestTag]
  if (plan.uploadKey !== undefined) {
    tags.push({ key: UPLOAD_KEY_TAG, value: plan.uploadKey })
  }
  return createWithReadBack(http, log, 'create run', {
    create: bounded => createRun(bounded, experimentId, plan.runName, tags),
    readBack: bounded => findRunByTag(bounded, experimentId, requestTag)
  })
}

async function ensureExperiment(
  http: HttpClient,
  name: string,
  log: Logger
): Promise<string> {
  const existing = await getExperimentId(http, name)
  if (existing !== undefined) return existing
  try {
    const created = await createExperiment(http, name)
    log.info(`Created experiment '${name}' (id ${created})`)
    return created
  } catch (error) {
    const raced = isAlreadyExists(error)
      ? await getExperimentId(http, name)
      : undefined
    if (raced === undefined) throw error
    return raced
  }
}

/** A model file to send, hashed before or not. */
type SentFile = ModelFile | ListedFile

/**
 * Uploads the model files, with {@link UPLOAD_CONCURRENCY} at once, and
 * then the generated files. Returns the SHA-256 of each file that was
 * read from disk, by relative path.
 */
async function uploadFiles(
  http: HttpClient,
  files: readonly SentFile[],
  destination: string,
  extraFiles: readonly GeneratedFile[],
  log: Logger
): Promise<Map<string, string>> {
  const sent = new Map<string, string>()
  const queue = [...files]
  const total = files.length + extraFiles.length
  const totalBytes = sumBytes(files)
  let doneBytes = 0
  let doneFiles = 0
  let nextReport = 0.25
  // The first failure ends the upload: no further file starts, the files
  // in flight are cancelled, and the run is ended only once they stop.
  const abort = new AbortController()
  let failure: { error: unknown } | undefined
  const worker = async (): Promise<void> => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const body = fileUploadBody(file, fileProgressLogger(file, log))
      await uploadArtifact(
        http,
        `${destination}/${file.relativePath}`,
        body,
        abort.signal
      )
      const digest = body.sentDigest()
      if (digest !== undefined) sent.set(file.relativePath, digest)
      doneBytes += file.size
      doneFiles++
      const share =
        totalBytes > 0 ? doneBytes / totalBytes : doneFiles / files.length
      if (share >= nextReport && share < 1) {
        const percent = Math.floor(share * 100)
        log.info(`Uploaded ${percent}% (${countOf(doneFiles, 'file')})`)
        nextReport = Math.floor(share * 4) / 4 + 0.25
      }
    }
  }
  const stopOnFailure = (error: unknown): void => {
    failure ??= { error }
    queue.length = 0
    abort.abort()
  }
  const workers = Math.min(UPLOAD_CONCURRENCY, files.length)
  await Promise.all(
    Array.from({ length: workers }, (_unused, index) =>
      sleep(index * WORKER_STAGGER_MS)
        .then(worker)
        .catch(stopOnFailure)
    )
  )
  if (failure) throw failure.error
  for (const file of extraFiles) {
    await uploadArtifactText(
      http,
      `${destination}/${file.relativePath}`,
      file.text
    )
  }
  log.info(`Uploaded ${countOf(total, 'file')}`)
  return sent
}
