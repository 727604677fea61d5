import { randomUUID } from 'node:crypto'

import type { Tag } from '../config/config.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { verifyUploadedSizes } from '../mlflow/artifact-sizes.js'
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
import type { ModelDirectory } from './model-directory.js'
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
  const run = await createUploadRun(http, experimentId, plan, log)
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

  log.info(
    `Uploading ${directory.files.length} files ` +
      `(${formatBytes(directory.totalBytes)}) into run ${run.run_id} ` +
      `of experiment '${plan.experimentName}'`
  )
  const destination = `${root}/${plan.artifactPath}`
  try {
    await uploadFiles(http, directory, destination, plan.extraFiles ?? [], log)
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
  directory: ModelDirectory,
  destination: string,
  extraFiles: readonly GeneratedFile[],
  log: Logger
): Promise<void> {
  const replaced = new Set(extraFiles.map(file => file.relativePath))
  const queue = directory.files.filter(f => !replaced.has(f.relativePath))
  const total = queue.length + extraFiles.length
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
      const share = fraction(doneBytes, doneFiles, directory)
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

function fraction(bytes: number, files: number, dir: ModelDirectory): number {
  return dir.totalBytes > 0 ? bytes / dir.totalBytes : files / dir.files.length
}
