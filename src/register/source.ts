import {
  DiagnosedError,
  configError,
  diagnose
} from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import { HttpError } from '../http/errors.js'
import type { ApiRequest, HttpClient } from '../http/transport.js'
import { listProxyArtifacts, proxyPath } from '../mlflow/artifacts.js'
import { isNotFound } from '../mlflow/registry.js'
import type { RunWithData } from '../mlflow/schemas.js'
import { classifyFailure } from '../preflight/classify.js'
import { downloadModelFile } from '../release/model-file.js'
import {
  getLoggedModel,
  getRunWithData,
  listRunArtifacts,
  searchLoggedModels
} from '../mlflow/tracking.js'

/** A source as the create request needs it. */
export interface ResolvedSource {
  readonly source: string
  readonly runId?: string
  readonly modelId?: string
  /** Reads made while resolving, which the release comparison reuses. */
  readonly reads?: SourceReads
}

/** The run and `MLmodel` text read while resolving a `runs:/` source. */
export interface SourceReads {
  readonly run: RunWithData
  readonly modelText?: string
}

const LOGGED_MODEL_URI = /^models:\/(m-[0-9a-f]{32})\/?$/
const RUNS_URI = /^runs:\/([^/]+)\/(.+?)\/?$/

/**
 * A listing of a `runs:/` source's files that was sent before it was
 * needed, alongside other requests, so that it costs no round trip.
 */
export interface EarlyListing {
  readonly source: string
  /** The listing, or undefined when it failed or was cancelled. */
  readonly result: Promise<RunListing | undefined>
  /** Stops the request when its response is no longer needed. */
  cancel(): void
}

/** The result of listing a `runs:/` source's directory. */
interface RunListing {
  readonly rootUri?: string
  readonly hasModelFile: boolean
}

/**
 * Starts listing the files of a `runs:/` source, for a registration that
 * will resolve it after the preflight. The request is speculative: sent
 * once, and kept out of the evidence that diagnoses read. Any failure
 * yields undefined, and the source is then resolved without it, so that
 * every error comes from the requests that resolving sends in the usual
 * order. Other sources give undefined.
 */
export function listSourceEarly(
  http: HttpClient,
  source: string
): EarlyListing | undefined {
  const uri = parseRunsUri(source)
  if (!uri) return undefined
  const controller = new AbortController()
  const result = listSourceRun(http, uri, {
    signal: controller.signal,
    speculative: true
  }).catch(() => undefined)
  const cancel = () => {
    controller.abort()
  }
  return { source, result, cancel }
}

/**
 * Resolves a model URI to what `model-versions/create` needs, and checks
 * that it contains a model, so a version never points at nothing. With
 * `readFacts`, a `runs:/` source's run and MLmodel file are read for the
 * release comparison. Without, one listing of its files checks it. An
 * early listing of this source replaces that listing.
 */
export async function resolveSource(
  http: HttpClient,
  source: string,
  log: Logger,
  readFacts = true,
  early?: EarlyListing
): Promise<ResolvedSource> {
  const uri = parseRunsUri(source)
  if (uri) {
    const listed = early?.source === source ? await early.result : undefined
    return resolveRunsUri(http, uri, log, { readFacts, listed })
  }

  const loggedModel = LOGGED_MODEL_URI.exec(source)?.[1]
  if (loggedModel) {
    const model = await readLoggedModel(http, source, loggedModel)
    const runId = model.info.source_run_id
    return runId
      ? { source, modelId: loggedModel, runId }
      : { source, modelId: loggedModel }
  }

  const proxied = proxyPath(source)
  if (proxied !== undefined) return resolveProxiedUri(http, source, proxied)

  log.info(`Registering ${source} as given; its contents are not checked.`)
  return { source }
}

/** The run and artifact path of a `runs:/` URI. */
interface RunsUri {
  readonly runId: string
  readonly artifactPath: string
}

function parseRunsUri(source: string): RunsUri | undefined {
  const match = RUNS_URI.exec(source)
  if (!match?.[1] || !match[2]) return undefined
  return { runId: match[1], artifactPath: match[2] }
}

/** The options of resolving a `runs:/` source. */
interface RunsResolution {
  /** Whether the release comparison needs the run and MLmodel file. */
  readonly readFacts: boolean
  /** An early listing of the source, if one succeeded. */
  readonly listed: RunListing | undefined
}

/**
 * Resolves `runs:/<run>/<path>` as MLflow's own client does: the run's
 * artifact directory when it holds an MLmodel file, else the logged model
 * of that name from the run (MLflow 3 stores named models there). With
 * `readFacts`, the run is read and, behind the artifact proxy, the MLmodel
 * file too, so the release comparison can reuse them. Without, the
 * server's listing of the run's files gives the directory and shows the
 * MLmodel file in one request. After an early listing, which names the
 * directory, the run and the MLmodel file are read at once.
 */
async function resolveRunsUri(
  http: HttpClient,
  uri: RunsUri,
  log: Logger,
  resolution: RunsResolution
): Promise<ResolvedSource> {
  const { runId, artifactPath } = uri
  const { readFacts } = resolution
  const listed =
    resolution.listed ??
    (readFacts ? undefined : await listSourceRun(http, uri))
  let run: RunWithData | undefined
  if (listed?.rootUri && listed.hasModelFile) {
    const source = `${listed.rootUri}/${artifactPath}`
    if (!readFacts) return { source, runId }
    const facts = await readListedFacts(http, uri, listed.rootUri)
    if (facts.reads) return { source, runId, reads: facts.reads }
    run = facts.run
  }
  run ??= await getRunOfSource(http, uri)
  const root = run.info.artifact_uri
  // With a root URI, the listing showed that MLmodel is missing, or the
  // download after it found the file gone.
  if (root && listed?.rootUri === undefined) {
    const modelDir = `${root}/${artifactPath}`
    const found = await readModelFile(http, run, root, artifactPath)
    if (found) return { source: modelDir, runId, reads: found }
  }

  const experimentId = run.info.experiment_id
  const models = await findLoggedModels(http, experimentId, artifactPath)
  const matching = models.filter(m => m.info.source_run_id === runId)
  const [only, ...others] = matching
  if (only && others.length === 0) {
    const modelId = only.info.model_id
    log.info(
      `Run ${runId} has no MLmodel under '${artifactPath}'; registering ` +
        `its logged model '${artifactPath}' (models:/${modelId}) instead, ` +
        'as MLflow 3 stores named models there.'
    )
    const modelDir = only.info.artifact_uri
    const proxied = modelDir ? proxyPath(modelDir) : undefined
    const modelText =
      proxied === undefined || !readFacts
        ? undefined
        : await downloadModelText(http, proxied)
    return {
      source: `models:/${modelId}`,
      runId,
      modelId,
      reads: modelText === undefined ? { run } : { run, modelText }
    }
  }
  if (others.length > 0) {
    throw configError(
      'input `source`',
      `run ${runId} has ${matching.length} logged models named ` +
        `'${artifactPath}': ${matching.map(m => m.info.model_id).join(', ')}`,
      'Register one of them as models:/<model-id>.'
    )
  }
  throw new DiagnosedError(
    diagnose(
      'SOURCE_NOT_FOUND',
      `runs:/${runId}/${artifactPath} holds no model: the run has no ` +
        `MLmodel file under '${artifactPath}', and no logged model named ` +
        `'${artifactPath}' comes from it.`,
      'Check the run id and the artifact path (the name given to ' +
        'log_model), or register models:/<model-id>.'
    )
  )
}

/**
 * Reads the run's `MLmodel` file under `artifactPath`: downloaded through
 * the artifact proxy when the run's files are behind it, else only listed.
 * Returns undefined when there is no such file.
 */
async function readModelFile(
  http: HttpClient,
  run: RunWithData,
  root: string,
  artifactPath: string
): Promise<SourceReads | undefined> {
  const proxied = proxyPath(root)
  if (proxied === undefined) {
    const listing = await listRunArtifacts(http, run.info.run_id, artifactPath)
    const present = listing.paths.includes(`${artifactPath}/MLmodel`)
    return present ? { run } : undefined
  }
  const modelText = await downloadModelText(http, `${proxied}/${artifactPath}`)
  return modelText === undefined ? undefined : { run, modelText }
}

/**
 * Reads the run and, behind the artifact proxy, the `MLmodel` file that
 * the listing showed, both at once. `reads` is undefined when the file is
 * gone by the time it is downloaded. An error is raised only after both
 * requests end, and the run's error first, as when they were sequential.
 */
async function readListedFacts(
  http: HttpClient,
  uri: RunsUri,
  root: string
): Promise<{ run: RunWithData; reads?: SourceReads }> {
  const proxied = proxyPath(root)
  const [run, download] = await Promise.allSettled([
    getRunOfSource(http, uri),
    proxied === undefined
      ? undefined
      : downloadModelText(http, `${proxied}/${uri.artifactPath}`)
  ])
  if (run.status === 'rejected') throw run.reason
  if (download.status === 'rejected') throw download.reason
  const modelText = download.value
  if (proxied === undefined)
    return { run: run.value, reads: { run: run.value } }
  if (modelText === undefined) return { run: run.value }
  return { run: run.value, reads: { run: run.value, modelText } }
}

/**
 * Downloads `MLmodel` from a directory behind the artifact proxy;
 * undefined when the directory contains no such file.
 */
async function downloadModelText(
  http: HttpClient,
  proxiedDir: string
): Promise<string | undefined> {
  try {
    return await downloadModelFile(http, `${proxiedDir}/MLmodel`)
  } catch (error) {
    if (isNotFound(error)) return undefined
    throw error
  }
}

/**
 * Gets the source's run. A run that the tracking server does not have
 * contains no model, so its absence is SOURCE_NOT_FOUND.
 */
async function getRunOfSource(
  http: HttpClient,
  uri: RunsUri
): Promise<RunWithData> {
  try {
    return await getRunWithData(http, uri.runId)
  } catch (error) {
    throw isNotFound(error) ? runNotFound(uri, error) : error
  }
}

/**
 * Lists the source's directory through the tracking server, which names
 * the run's artifact directory too. A missing run is SOURCE_NOT_FOUND.
 */
async function listSourceRun(
  http: HttpClient,
  uri: RunsUri,
  sending: Pick<ApiRequest, 'signal' | 'speculative'> = {}
): Promise<RunListing> {
  try {
    const { runId, artifactPath } = uri
    const listing = await listRunArtifacts(http, runId, artifactPath, sending)
    const hasModelFile = listing.paths.includes(`${uri.artifactPath}/MLmodel`)
    return { ...listing, hasModelFile }
  } catch (error) {
    throw isNotFound(error) ? runNotFound(uri, error) : error
  }
}

function runNotFound(uri: RunsUri, cause: unknown): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'SOURCE_NOT_FOUND',
      `runs:/${uri.runId}/${uri.artifactPath} holds no model: the tracking ` +
        `server has no run ${uri.runId}.`,
      'Check the run id: it must name a run on this tracking server.'
    ),
    { cause }
  )
}

/**
 * Reads the logged model of a `models:/m-...` source. Such an id means
 * something only on the tracking server that logged it, and servers
 * before MLflow 3 have no logged-model API at all.
 */
async function readLoggedModel(
  http: HttpClient,
  source: string,
  modelId: string
): ReturnType<typeof getLoggedModel> {
  try {
    return await getLoggedModel(http, modelId)
  } catch (error) {
    if (isNotFound(error)) {
      throw new DiagnosedError(
        diagnose(
          'SOURCE_NOT_FOUND',
          `${source} holds no model: this tracking server has no logged ` +
            `model ${modelId}. A logged-model id is valid only on the ` +
            'tracking server that logged it.',
          'Check the model id, or register from the server that logged ' +
            'it; to copy a model between servers, download it and use ' +
            '`model-path`.'
        ),
        { cause: error }
      )
    }
    if (classifyFailure(error).code === 'FORBIDDEN_PERMISSION') {
      // MLflow 3.17.2's basic-auth app rejects an unknown logged model
      // with the same 403 as a model the user may not read.
      throw new DiagnosedError(
        diagnose(
          'FORBIDDEN_PERMISSION',
          `MLflow denied reading logged model ${modelId}: it does not ` +
            'exist on this tracking server, or the user lacks READ on ' +
            "the experiment that holds it (MLflow's basic-auth app gives " +
            'the same answer for both).',
          'Check the model id against the tracking server that logged it, ' +
            'and ask an admin for READ on its experiment.',
          classifyFailure(error).evidence
        ),
        { cause: error }
      )
    }
    if (isMissingEndpoint(error)) {
      throw new DiagnosedError(
        diagnose(
          'UNSUPPORTED_FEATURE',
          `${source} is an MLflow 3 logged model, but this server has no ` +
            'logged-model API (MLflow before 3): it answered get logged ' +
            'model with HTTP 404 while the registry calls on the same ' +
            'path worked.',
          'Upgrade the server to MLflow 3, or register a runs:/ source or ' +
            'a local `model-path`.'
        ),
        { cause: error }
      )
    }
    throw error
  }
}

/** Tells whether a 404 or 405 means the route itself is missing. */
function isMissingEndpoint(error: unknown): boolean {
  if (!(error instanceof HttpError)) return false
  const { status } = error.response
  if (status !== 404 && status !== 405) return false
  return (
    error.errorCode === undefined || error.errorCode === 'ENDPOINT_NOT_FOUND'
  )
}

async function findLoggedModels(
  http: HttpClient,
  experimentId: string,
  name: string
): ReturnType<typeof searchLoggedModels> {
  if (name.includes("'")) return []
  try {
    return await searchLoggedModels(http, experimentId, `name = '${name}'`)
  } catch (error) {
    // MLflow 2 has no logged models; the source then simply holds nothing.
    if (error instanceof HttpError && error.response.status === 404) return []
    throw error
  }
}

/**
 * Checks an `mlflow-artifacts:` source for an MLmodel file and names the
 * run that holds it, which MLflow 3.17 requires for such sources.
 */
async function resolveProxiedUri(
  http: HttpClient,
  source: string,
  path: string
): Promise<ResolvedSource> {
  const files = await listProxyArtifacts(http, path)
  if (!files.includes('MLmodel')) {
    throw new DiagnosedError(
      diagnose(
        'SOURCE_NOT_FOUND',
        `${source} holds no MLmodel file, so it is not an MLflow model.`,
        'Point `source` at the directory that contains the MLmodel file.'
      )
    )
  }
  const runId = /^\d+\/([0-9a-f]{32})\/artifacts\//.exec(path)?.[1]
  return runId ? { source, runId } : { source }
}
