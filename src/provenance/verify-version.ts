import type { Config } from '../config/config.js'
import { VERSION_URI } from '../config/verify-source.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { RunResult } from '../github/outputs.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import {
  getModelVersion,
  getModelVersionByAlias,
  isNotFound
} from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import { downloadUri } from '../release/model-file.js'
import { verifyModelArtifacts } from './verify-artifacts.js'

/**
 * Runs `mode: verify`: finds the model version that `source` names,
 * downloads its files and `model.sig`, and checks both. The outcome is
 * `verified`, or a diagnosis that names the first differing file.
 */
export async function verifyModelVersion(
  http: HttpClient,
  config: Config,
  log: Logger,
  result: RunResult
): Promise<void> {
  const version = await findVersionByUri(http, config.source ?? '')
  result.version = version
  const uri = await downloadUri(http, version)
  log.info(
    `Verifying version ${version.version} of '${version.name}' at ${uri}`
  )
  result.modelDigest = await verifyModelArtifacts(
    http,
    uri,
    config.signing,
    log
  )
  result.outcome = 'verified'
}

/** Finds the version a `models:/<name>/<version>` or `@<alias>` URI names. */
export async function findVersionByUri(
  http: HttpClient,
  source: string
): Promise<ModelVersion> {
  const [, name = '', number, alias] = VERSION_URI.exec(source) ?? []
  try {
    const version = number
      ? await getModelVersion(http, name, number)
      : await getModelVersionByAlias(http, name, alias ?? '')
    if (version) return version
  } catch (error) {
    if (!isNotFound(error)) throw error
  }
  throw new DiagnosedError(
    diagnose(
      'SOURCE_NOT_FOUND',
      `${source} names no model version on this tracking server.`,
      'Check the registered model name and the version number or alias.'
    )
  )
}
