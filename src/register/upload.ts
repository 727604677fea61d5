import { createHash, randomUUID } from 'node:crypto'

import type { Tag } from '../config/config.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
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
  getExperimentId
} from '../mlflow/tracking.js'
import { formatBytes } from './byte-size.js'
import { explainArtifactRefusal } from './artifact-permission.js'
import type { ModelDirectory, ModelFile } from './model-directory.js'
import { createWithReadBack } from './read-back-create.js'
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
   * stored with the right size are not sent again.
   */
  readonly uploadKey?: string
}

/** A small file made by the action, uploaded from memory. */
export interface GeneratedFile {
  readonly relativePath: string
  readonly text: string
}

/**
 * The run tag that contains a random id of one upload's create request,
 * so that a create whose response was lost is found again instead of
 * being sent a second time.
 */
export const CREATE_REQUEST_TAG = 'mlflow_register.create_request'

/** The run tag that contains the {@link uploadKey} of the run's upload. */
export const UPLOAD_KEY_TAG = 'mlflow_register.upload_key'

/**
 * Derives the key that finds an upload again in a later attempt: a hash
 * of the registration's idempotency key and the model's content digest.
 * The digest is part of it because an `idempotency-key` input stays the
 * same when the files change, and a stored file of the same size must
 * then not count as uploaded.
 */
export function uploadKey(
  idempotencyKey: string,
  directory: ModelDirectory
): string {
  return createHash('sha256')
    .update(JSON.stringify([idempotencyKey, directory.contentDigest]))
    .digest('hex')
}

/** Files uploaded at once; the artifact proxy takes one PUT per file. */
const UPLOAD_CONCURRENCY = 4

/**
 * Uploads a local model directory into a new run through the server's
 * artifact proxy, and returns the run's model directory as the source.
 */
export async function uploadModelDirectory(
  http: HttpClient,
  directory: ModelDirectory,
  plan: UploadPlan,
  log: Logger
): Promise<ResolvedSource> {
  const experimentId = await ensureExperiment(http, plan.experimentName, log)
  const earlier = await findEarlierUploadRun(http, experimentId, plan)
  const run = earlier ?? (await createUploadRun(http, experimentId, plan, log))
  const root = run.artifact_uri ? proxyPath(run.artifact_uri) : undefined
  if (root === undefined) {
    await endRun(http, run.run_id, 'FAILED')
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
  try {
    const pending = earlier
      ? await skipStoredFiles(http, directory, destination, run.run_id, log)
      : directory.files
    log.info(
      `Uploading ${pending.length} files ` +
        `(${formatBytes(sumBytes(pending))}) into run ${run.run_id} ` +
        `of experiment '${plan.experimentName}'`
    )
    await uploadFiles(http, pending, destination, plan.extraFiles ?? [], log)
    await verifyUploadedSizes(http, destination, directory.files)
  } catch (error) {
    await endRun(http, run.run_id, 'FAILED').catch(() => undefined)
    throw explainArtifactRefusal(error, {
      experimentId,
      runId: run.run_id,
      root
    })
  }
  await endRun(http, run.run_id, 'FINISHED')
  return {
    source: `${run.artifact_uri}/${plan.artifactPath}`,
    runId: run.run_id
  }
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
  directory: ModelDirectory,
  destination: string,
  runId: string,
  log: Logger
): Promise<ModelFile[]> {
  const stored = await listStoredSizes(http, destination, directory.files)
  const pending = directory.files.filter(
    file => stored.get(file.relativePath) !== file.size
  )
  const skipped = directory.files.length - pending.length
  log.info(
    `Run ${runId} is from an earlier attempt of this upload and already ` +
      `stores ${skipped} of ${directory.files.length} files with the ` +
      `same size (${formatBytes(directory.totalBytes - sumBytes(pending))}); ` +
      'they are not sent again.'
  )
  return pending
}

function sumBytes(files: readonly ModelFile[]): number {
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
  const requestTag = { key: CREATE_REQUEST_TAG, value: randomUUID() }
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

async function uploadFiles(
  http: HttpClient,
  files: readonly ModelFile[],
  destination: string,
  extraFiles: readonly GeneratedFile[],
  log: Logger
): Promise<void> {
  const replaced = new Set(extraFiles.map(file => file.relativePath))
  const queue = files.filter(f => !replaced.has(f.relativePath))
  const total = queue.length + extraFiles.length
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
      await uploadArtifact(
        http,
        `${destination}/${file.relativePath}`,
        file,
        fileProgressLogger(file, log),
        abort.signal
      )
      doneBytes += file.size
      doneFiles++
      const share =
        totalBytes > 0 ? doneBytes / totalBytes : doneFiles / files.length
      if (share >= nextReport && share < 1) {
        log.info(`Uploaded ${Math.floor(share * 100)}% (${doneFiles} files)`)
        nextReport = Math.floor(share * 4) / 4 + 0.25
      }
    }
  }
  const stopOnFailure = (error: unknown): void => {
    failure ??= { error }
    queue.length = 0
    abort.abort()
  }
  await Promise.all(
    Array.from({ length: UPLOAD_CONCURRENCY }, () =>
      worker().catch(stopOnFailure)
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
  log.info(`Uploaded all ${total} files`)
}
