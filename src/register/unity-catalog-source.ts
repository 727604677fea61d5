import {
  configError,
  DiagnosedError,
  diagnose
} from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { listProxyTree, type ProxyFile } from '../mlflow/artifact-tree.js'
import { proxyPath } from '../mlflow/artifacts.js'
import {
  getModelVersion,
  getModelVersionDownloadUri,
  isNotFound
} from '../mlflow/registry.js'
import { getLoggedModel } from '../mlflow/tracking.js'
import { downloadModelFile } from '../release/model-file.js'
import { checkSignatureText } from './model-signature.js'
import { resolveSource, type ResolvedSource } from './source.js'

/** A `source` whose files the tracking server's artifact proxy serves. */
export interface ProxiedSource {
  /** The `source`, `run_id` and `model_id` of the Unity Catalog create. */
  readonly create: ResolvedSource
  /** The URI of the model directory, for messages. */
  readonly location: string
  /** The model directory's path below the artifact proxy. */
  readonly root: string
}

/** `models:/<name>/<version>` of the workspace registry. */
const REGISTRY_VERSION_URI = /^models:\/([^/@]+)\/(\d+)\/?$/
const LOGGED_MODEL_URI = /^models:\/m-[0-9a-f]{32}\/?$/

/**
 * Resolves a `source` for Unity Catalog, which copies the model files into
 * its own storage, and checks its MLmodel signature before any write.
 * The create's fields follow MLflow 3.17. A `runs:/` source is sent as
 * the run's model directory (or its logged model) with the run id. A
 * `models:/<name>/<version>` is sent as given, with that version's run
 * and logged model. An `mlflow-artifacts:` URI is sent without a run.
 */
export async function resolveUnityCatalogSource(
  http: HttpClient,
  source: string,
  modelName: string,
  log: Logger
): Promise<ProxiedSource> {
  const resolved = await resolveForUnityCatalog(http, source, log)
  const text = await readModelText(http, source, resolved)
  checkSignatureText(text, `${resolved.location}/MLmodel`, modelName)
  return resolved
}

async function resolveForUnityCatalog(
  http: HttpClient,
  source: string,
  log: Logger
): Promise<ProxiedSource> {
  const registered = REGISTRY_VERSION_URI.exec(source)
  if (registered?.[1] && registered[2]) {
    const [, name, number] = registered
    return resolveRegistryVersion(http, source, { name, number }, log)
  }
  if (source.startsWith('models:/') && !LOGGED_MODEL_URI.test(source)) {
    throw configError(
      'input `source`',
      `${source} names a model version by alias or stage, but for Unity ` +
        'Catalog a `models:/` source must be models:/<name>/<version> or ' +
        'models:/<model-id>',
      'Give the version number, such as models:/fraud-model/3.'
    )
  }
  const resolved = await resolveSource(http, source, log)
  const location = await filesLocation(http, resolved, log)
  const create = source.startsWith('mlflow-artifacts:') ? { source } : resolved
  return { create, location, root: proxiedRoot(source, location) }
}

/**
 * Resolves a version of the workspace registry, which is the tracking
 * server's own registry, as MLflow 3.17's `copy_model_version` does.
 */
async function resolveRegistryVersion(
  http: HttpClient,
  source: string,
  { name, number }: { readonly name: string; readonly number: string },
  log: Logger
): Promise<ProxiedSource> {
  const where = { trackingServer: true }
  let uri: string
  let version: Awaited<ReturnType<typeof getModelVersion>>
  try {
    version = await getModelVersion(http, name, number, where)
    uri = await getModelVersionDownloadUri(http, name, number, where)
  } catch (error) {
    if (!isNotFound(error)) throw error
    throw new DiagnosedError(
      diagnose(
        'SOURCE_NOT_FOUND',
        `${source} holds no model: the tracking server's registry has no ` +
          `version ${number} of '${name}'.`,
        'Check the model name and version in the workspace registry.'
      ),
      { cause: error }
    )
  }
  const create: ResolvedSource = {
    source,
    ...(version.run_id ? { runId: version.run_id } : {}),
    ...(version.model_id ? { modelId: version.model_id } : {})
  }
  const location = await filesLocation(http, { source: uri }, log)
  return { create, location, root: proxiedRoot(source, location) }
}

/** Returns the URI of the directory that contains a model's files. */
async function filesLocation(
  http: HttpClient,
  resolved: ResolvedSource,
  log: Logger
): Promise<string> {
  if (resolved.source.startsWith('runs:/')) {
    const run = await resolveSource(http, resolved.source, log)
    return filesLocation(http, run, log)
  }
  if (!LOGGED_MODEL_URI.test(resolved.source)) return resolved.source
  const modelId = resolved.source.replace(/^models:\/|\/$/g, '')
  const model = await getLoggedModel(http, modelId)
  return model.info.artifact_uri ?? resolved.source
}

/**
 * Maps the files' location to its artifact proxy path, or stops before
 * any write when the tracking server does not serve it.
 */
function proxiedRoot(source: string, location: string): string {
  const root = proxyPath(location)
  if (root !== undefined) return root
  // NOTE: Databricks-hosted runs keep their files at dbfs:/ URIs, which
  // MLflow reads with the workspace's DBFS API; this action does not.
  throw new DiagnosedError(
    diagnose(
      'UNSUPPORTED_FEATURE',
      `${source} keeps its files at ${location}, which the tracking ` +
        'server does not serve through its artifact proxy (an ' +
        '`mlflow-artifacts:` URI), so this action cannot copy them into ' +
        'Unity Catalog.',
      'Download the model (`mlflow artifacts download -u <uri>`) and give ' +
        'its directory as `model-path`, or log it to an experiment whose ' +
        'artifacts the tracking server proxies (`mlflow server ' +
        '--serve-artifacts`).'
    )
  )
}

async function readModelText(
  http: HttpClient,
  source: string,
  resolved: ProxiedSource
): Promise<string> {
  try {
    return await downloadModelFile(http, `${resolved.root}/MLmodel`)
  } catch (error) {
    if (!isNotFound(error)) throw error
    throw new DiagnosedError(
      diagnose(
        'SOURCE_NOT_FOUND',
        `${source} holds no MLmodel file at ${resolved.location}, so it is ` +
          'not an MLflow model.',
        'Point `source` at the directory that contains the MLmodel file.'
      ),
      { cause: error }
    )
  }
}

/**
 * Lists the files of a proxied source with their sizes, which the
 * storage upload sends as `Content-Length`.
 */
export async function listSourceFiles(
  http: HttpClient,
  source: ProxiedSource
): Promise<Required<ProxyFile>[]> {
  const files = await listProxyTree(http, source.root)
  return files.map(file => {
    if (file.size !== undefined) return { name: file.name, size: file.size }
    throw new DiagnosedError(
      diagnose(
        'UNSUPPORTED_FEATURE',
        `The tracking server lists ${source.location}/${file.name} ` +
          'without a size, which the upload to Unity Catalog storage needs.',
        'Download the model (`mlflow artifacts download -u <uri>`) and ' +
          'give its directory as `model-path`.'
      )
    )
  })
}
