import { parse } from 'yaml'
import { z } from 'zod'

import type { HttpClient } from '../http/transport.js'
import { downloadCheckedText } from '../mlflow/artifact-sizes.js'
import { downloadArtifactText, proxyPath } from '../mlflow/artifacts.js'
import { getModelVersionDownloadUri } from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'

/** The model facts that a version's `MLmodel` file records. */
export interface ModelFacts {
  /** Flavor names, such as `python_function` and `sklearn`. */
  readonly flavors: readonly string[]
  /** The signature's inputs and outputs as MLflow stores them (JSON text). */
  readonly signature?: { readonly inputs?: string; readonly outputs?: string }
  /** Total size of the model's files, as MLflow recorded it when saving. */
  readonly sizeBytes?: number
}

const mlmodelSchema = z.looseObject({
  flavors: z.record(z.string(), z.unknown()).default({}),
  signature: z
    .looseObject({
      inputs: z.string().optional(),
      outputs: z.string().optional()
    })
    .optional(),
  model_size_bytes: z.coerce.number().optional()
})

/**
 * Reads a version's `MLmodel` file through the artifact proxy. Returns
 * the reason instead when the files are not behind the proxy (for example
 * in S3 that the server does not proxy) or the file cannot be parsed.
 */
export async function readModelFacts(
  http: HttpClient,
  version: ModelVersion
): Promise<ModelFacts | { readonly unreadable: string }> {
  const uri = await downloadUri(http, version)
  const path = proxyPath(uri)
  if (path === undefined) {
    return { unreadable: `its files are at ${uri}, outside the proxy` }
  }
  return parseModelFacts(await downloadModelFile(http, `${path}/MLmodel`))
}

/**
 * Downloads an `MLmodel` file through the artifact proxy. A body that
 * does not parse as one is read again with its size checked against the
 * listing, because a proxy can pass on status 200 with the body lost.
 */
export async function downloadModelFile(
  http: HttpClient,
  path: string
): Promise<string> {
  const text = await downloadArtifactText(http, path)
  if (!('unreadable' in parseModelFacts(text))) return text
  return downloadCheckedText(http, path)
}

/** Reads the model facts from the text of an `MLmodel` file. */
export function parseModelFacts(
  text: string
): ModelFacts | { readonly unreadable: string } {
  const result = mlmodelSchema.safeParse(parseYaml(text))
  if (!result.success) return { unreadable: 'its MLmodel file is invalid' }
  const { flavors, signature, model_size_bytes: sizeBytes } = result.data
  return {
    flavors: Object.keys(flavors).sort(),
    ...(signature ? { signature: withoutEmpty(signature) } : {}),
    ...(sizeBytes === undefined ? {} : { sizeBytes })
  }
}

/**
 * Returns where a version's files are. MLflow 3.17 stores the source
 * itself as the download URI of every version whose source is not a
 * `models:` URI, so an `mlflow-artifacts:` source saves one request.
 */
export async function downloadUri(
  http: HttpClient,
  version: ModelVersion
): Promise<string> {
  if (version.source && proxyPath(version.source) !== undefined) {
    return version.source
  }
  return getModelVersionDownloadUri(http, version.name, version.version)
}

function parseYaml(text: string): unknown {
  try {
    return parse(text)
  } catch {
    return undefined
  }
}

function withoutEmpty(signature: {
  inputs?: string | undefined
  outputs?: string | undefined
}): NonNullable<ModelFacts['signature']> {
  return {
    ...(signature.inputs ? { inputs: signature.inputs } : {}),
    ...(signature.outputs ? { outputs: signature.outputs } : {})
  }
}
