import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { listProxyTree } from '../mlflow/artifact-tree.js'
import { downloadArtifactStream } from '../mlflow/artifacts.js'
import {
  IGNORED_PATHS,
  compareFileNames,
  hashStream,
  isIgnored,
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
