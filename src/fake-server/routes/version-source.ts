import { invalidParameter, MlflowError } from '../mlflow-error.js'
import type { RouteContext } from '../state.js'
import {
  decodePlus,
  isLocalPathWithin,
  isWithinRoot,
  parseModelsPath,
  parseUri,
  type ParsedUri
} from './source-uri.js'

/** A model version source after MLflow's checks. */
export interface CheckedSource {
  readonly source: string
  readonly runId: string
  /** The `get-download-uri` result for the new version. */
  readonly storageLocation: string
}

/** The request fields that name a version's source. */
export interface SourceRequest {
  readonly source: string
  readonly runId: string | undefined
  readonly modelId: string | undefined
}

/** Schemes whose URIs make a server connect to the host they name. */
const HOST_ADDRESSED = new Set([
  'ftp',
  'sftp',
  'hdfs',
  'viewfs',
  'http',
  'https',
  'mlflow-artifacts',
  'r2',
  'b2',
  'abfss'
])

function invalidSource(source: string, field: 'run_id' | 'model_id') {
  return invalidParameter(
    `Invalid model version source: '${source}'. The ${field} request ` +
      'parameter must identify the resource that contains the source.'
  )
}

function localSourceError(source: string, field: 'run_id' | 'model_id') {
  return invalidParameter(
    `Invalid model version source: '${source}'. To use a local path as a ` +
      `model version source, the ${field} request parameter has to be ` +
      'specified and the local path has to be contained within the ' +
      `artifact directory of the run specified by the ${field}.`
  )
}

/**
 * Applies the source rules of MLflow 3.17.2's `model-versions/create`.
 * Schemes that name a host (`http:`, `mlflow-artifacts://host`) are
 * rejected. A `runs:/` source needs the matching `run_id`, and an
 * `mlflow-artifacts:` source needs the `run_id` (or `model_id`) whose
 * artifact root contains it. `models:/<id>` needs the matching `model_id`.
 * Local paths must lie in the run's local artifact directory, and no
 * source may climb with `..`.
 */
export function checkVersionSource(
  context: RouteContext,
  request: SourceRequest
): CheckedSource {
  const parsed = parseUri(request.source)
  rejectHostAddressed(parsed)
  let { source } = request
  let runId = request.runId ?? ''
  const modelId = request.modelId ?? ''
  if (parsed.scheme === 'models') {
    const lineage = resolveRegisteredSource(context, request, parsed)
    source = lineage.source
    runId = lineage.runId
  }
  if (modelId) checkModelSource(context, source, modelId)
  else checkRunSource(context, source, runId)
  return resolveStorage(context, source, runId, modelId)
}

function rejectHostAddressed(parsed: ParsedUri): void {
  if (!HOST_ADDRESSED.has(parsed.scheme)) return
  if (parsed.scheme === 'mlflow-artifacts' && parsed.netloc === '') return
  const scheme = parsed.scheme
  throw invalidParameter(
    `'source' cannot use the '${scheme}' scheme: the '${scheme}' scheme ` +
      "addresses a host other than the tracking server's configured " +
      'artifact storage, so the server would connect to the host named in ' +
      'the URI. Set the MLFLOW_ALLOWED_HOST_ADDRESSED_ARTIFACT_SCHEMES ' +
      'environment variable on the server to allow it.'
  )
}

/** A `models:/<name>/<version>` source takes the lineage of that version. */
function resolveRegisteredSource(
  context: RouteContext,
  request: SourceRequest,
  parsed: ParsedUri
): { source: string; runId: string } {
  const runId = request.runId ?? ''
  if (parsed.netloc !== '') {
    throw invalidParameter(
      `Invalid model version source: '${request.source}'. Registered model ` +
        'sources must use the active model registry.'
    )
  }
  const target = parseModelsPath(request.source, parsed.path)
  if (target.modelId !== undefined) return { source: request.source, runId }
  const { registry } = context.state
  registry.getModel(target.name)
  let version = registry.versionByAlias(target.name, 'latest')
  if (target.alias !== undefined) {
    version = registry.versionByAlias(target.name, target.alias)
  } else if (target.version !== undefined) {
    version = registry.getVersion(target.name, target.version)
  }
  if (request.runId !== undefined && runId !== version.runId) {
    throw invalidParameter(
      `Invalid model version source: '${request.source}'. The run_id and ` +
        'model_id request parameters must match the referenced model version.'
    )
  }
  return {
    source: `models:/${target.name}/${version.version}`,
    runId: request.runId ?? version.runId
  }
}

function checkRunSource(
  context: RouteContext,
  source: string,
  runId: string
): void {
  const parsed = parseUri(source)
  if (parsed.scheme === '' || parsed.scheme === 'file') {
    const run = runId ? context.state.tracking.findRun(runId) : undefined
    if (runId && !run) throw invalidSource(source, 'run_id')
    if (run && isLocalPathWithin(parsed.path, run.artifactUri)) return
    throw localSourceError(source, 'run_id')
  }
  rejectRelativePaths(source)
  if (parsed.scheme === 'runs') {
    const sourceRunId = parsed.path.replace(/^\/+/, '').split('/')[0]
    if (parsed.netloc === '' && runId && sourceRunId === runId) return
    throw invalidSource(source, 'run_id')
  }
  if (parsed.scheme === 'models') {
    const target = parseModelsPath(source, parsed.path)
    if (parsed.netloc !== '' || target.modelId !== undefined) {
      throw invalidSource(source, 'model_id')
    }
  }
  if (parsed.scheme === 'mlflow-artifacts') {
    const run = runId ? context.state.tracking.findRun(runId) : undefined
    if (run && isWithinRoot(source, run.artifactUri)) return
    throw invalidSource(source, 'run_id')
  }
}

function checkModelSource(
  context: RouteContext,
  source: string,
  modelId: string
): void {
  const parsed = parseUri(source)
  const model = () => context.state.tracking.findLoggedModel(modelId)
  if (parsed.scheme === '' || parsed.scheme === 'file') {
    const found = model()
    if (!found) throw invalidSource(source, 'model_id')
    if (isLocalPathWithin(parsed.path, found.artifactUri)) return
    throw localSourceError(source, 'model_id')
  }
  rejectRelativePaths(source)
  if (parsed.scheme === 'models') {
    const target = parseModelsPath(source, parsed.path)
    if (parsed.netloc !== '') throw invalidSource(source, 'model_id')
    if (target.modelId !== undefined && target.modelId !== modelId) {
      throw invalidSource(source, 'model_id')
    }
  }
  if (parsed.scheme === 'runs') throw invalidSource(source, 'model_id')
  if (parsed.scheme === 'mlflow-artifacts') {
    const found = model()
    if (found && isWithinRoot(source, found.artifactUri)) return
    throw invalidSource(source, 'model_id')
  }
}

/**
 * MLflow's guard against sources that climb out of their root: after
 * repeated URL-decoding, the path must be absolute and normalised, with
 * no `.` or `..` parts and no NUL byte.
 */
function rejectRelativePaths(source: string): void {
  let decoded = source
  for (;;) {
    const next = decodePlus(decoded)
    if (next === decoded) break
    decoded = next
  }
  const path = parseUri(decoded).path.replace(/\/+$/, '').replace(/\/+/g, '/')
  const climbs = decoded.split('/').includes('..')
  const normalised =
    path.startsWith('/') &&
    !path.split('/').some(part => part === '.' || part === '..')
  if (path.includes('\u0000') || climbs || !normalised) {
    throw invalidParameter(
      `Invalid model version source: '${source}'. If supplying a source as ` +
        'an http, https, local file path, ftp, objectstore, or ' +
        'mlflow-artifacts uri, an absolute path must be provided without ' +
        'relative path references present. Please provide an absolute path.'
    )
  }
}

/** Resolves where the version's files are, as the SQL registry store does. */
function resolveStorage(
  context: RouteContext,
  source: string,
  runId: string,
  modelId: string
): CheckedSource {
  const { tracking, registry } = context.state
  const parsed = parseUri(source)
  let storageLocation = source
  let resolvedRunId = runId
  if (parsed.scheme === 'models') {
    const target = parseModelsPath(source, parsed.path)
    if (target.modelId !== undefined) {
      const model = tracking.findLoggedModel(target.modelId)
      if (!model) {
        throw new MlflowError(
          'INTERNAL_ERROR',
          `Unable to fetch model from model URI source artifact location ` +
            `'${source}'.Error: Logged model with ID '${target.modelId}' ` +
            'not found.'
        )
      }
      storageLocation = model.artifactUri
      resolvedRunId = resolvedRunId || model.sourceRunId
    } else {
      storageLocation = registry.getVersion(
        target.name,
        target.version ?? ''
      ).storageLocation
    }
  }
  if (!resolvedRunId && modelId) {
    resolvedRunId = tracking.getLoggedModel(modelId).sourceRunId
  }
  return { source, runId: resolvedRunId, storageLocation }
}
