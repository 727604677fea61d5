import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { listProxyTree } from '../mlflow/artifact-tree.js'
import { downloadArtifactStream, proxyPath } from '../mlflow/artifacts.js'
import {
  IGNORED_PATHS,
  compareFileNames,
  hashStream,
  isIgnored,
  rootDigest,
  type FileDigest,
  type ModelManifest
} from './model-digest.js'

/**
 * Hashes the model files below a path of the artifact proxy, streaming
 * each one down through the HTTP client (with its TLS, proxy, retries
 * and auth), so memory stays flat. `root` is the proxy path of the model
 * directory, such as `1/<run>/artifacts/model`. Files under
 * `ignorePaths` are neither listed nor hashed.
 */
export async function digestProxyArtifacts(
  http: HttpClient,
  root: string,
  log: Logger,
  ignorePaths: readonly string[] = IGNORED_PATHS
): Promise<ModelManifest> {
  const skip = (name: string): boolean => isIgnored(name, ignorePaths)
  const tree = await listProxyTree(http, root, skip)
  const names = tree.map(file => file.name)
  log.info(`Hashing ${names.length} model files from artifact ${root}`)
  const files: FileDigest[] = []
  for (const name of names.sort(compareFileNames)) {
    let digest = ''
    await downloadArtifactStream(http, `${root}/${name}`, async body => {
      digest = await hashStream(body)
    })
    files.push({ name, digest })
  }
  return { modelName: root.split('/').pop() ?? root, files }
}

/**
 * Computes the model digest of the model directory at an artifact URI,
 * leaving out the paths the action signs without, so it equals the
 * digest the action records for the same files from `model-path`.
 */
export async function digestArtifactUri(
  http: HttpClient,
  artifactUri: string,
  log: Logger
): Promise<string> {
  const manifest = await digestProxyArtifacts(http, proxyRoot(artifactUri), log)
  return rootDigest(manifest.files)
}

/**
 * Returns the artifact proxy path of an `mlflow-artifacts:` URI, or
 * throws UNSUPPORTED_FEATURE for a location the server does not proxy.
 */
export function proxyRoot(artifactUri: string): string {
  const root = proxyPath(artifactUri)
  if (root !== undefined) return root
  // NOTE: only files behind MLflow's artifact proxy are read, so S3, GCS
  // and other stores the server does not proxy cannot be hashed here.
  throw new DiagnosedError(
    diagnose(
      'UNSUPPORTED_FEATURE',
      `The model files are at ${artifactUri}, which is not behind the ` +
        "server's artifact proxy, so the action cannot read them.",
      'Serve artifacts through the tracking server (--serve-artifacts), ' +
        'or check a downloaded copy with `model_signing verify`.'
    )
  )
}
