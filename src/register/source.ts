import {
  DiagnosedError,
  configError,
  diagnose
} from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import { HttpError } from '../http/errors.js'
import type { HttpClient } from '../http/transport.js'
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
 * Resolves a model URI to what `model-versions/create` needs, and checks
 * that it contains a model, so a version never points at nothing. With
 * `readFacts`, a `runs:/` source's run and MLmodel file are read for the
 * release comparison. Without, one listing of its files checks it.
 */
export async function resolveSource(
  http: HttpClient,
  source: string,
  log: Logger,
  readFacts = true
): Promise<ResolvedSource> {
  const runs = RUNS_URI.exec(source)
  if (runs?.[1] && runs[2]) {
    const uri = { runId: runs[1], artifactPath: runs[2] }
    return resolveRunsUri(http, uri, log, readFacts)
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

/**
 * Resolves `runs:/<run>/<path>` as MLflow's own client does: the run's
 * artifact directory when it holds an MLmodel file, else the logged model
 * of that name from the run (MLflow 3 stores named models there). With
 * `readFacts`, the run is read and, behind the artifact proxy, the MLmodel
 * file too, so the release comparison can reuse them. Without, the
 * server's listing of the run's files gives the directory and shows the
 * MLmodel file in one request.
 */
async function resolveRunsUri(
  http: HttpClient,
  uri: RunsUri,
  log: Logger,
  readFacts: boolean
): Promise<ResolvedSource> {
  const { runId, artifactPath } = uri
  const listed = readFacts ? undefined : await listSourceRun(http, uri)
  if (listed?.rootUri && listed.hasModelFile) {
    return { source: `${listed.rootUri}/${artifactPath}`, runId }
  }
  const run = await getRunOfSource(http, uri)
  const root = run.info.artifact_uri
  // A listing with a root URI already showed that MLmodel is missing.
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
  uri: RunsUri
): Promise<{ rootUri?: string; hasModelFile: boolean }> {
  try {
    const listing = await listRunArtifacts(http, uri.runId, uri.artifactPath)
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
