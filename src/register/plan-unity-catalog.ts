import type { Tag } from '../config/config.js'
import type { ApiRequest } from '../http/transport.js'
import { API } from '../mlflow/api-paths.js'
import { SIGNATURE_FILE } from '../provenance/model-digest.js'
import {
  signatureTags,
  SIGNATURE_TAG,
  type DirectoryProvenance
} from '../provenance/registration-signing.js'
import type { ModelDirectory } from './model-directory.js'
import { NEW_VERSION } from './planned-call.js'
import type { RegistrationContext } from './register.js'
import type { ResolvedSource } from './source.js'
import { prepareUnityCatalogSource } from './unity-catalog-files.js'
import { listSourceFiles } from './unity-catalog-source.js'

/** A planned Unity Catalog version: its create fields and later writes. */
export interface PlannedUnityCatalogVersion {
  readonly source: ResolvedSource
  readonly tags: readonly Tag[]
  /** The writes after the create: uploads, signature tag, finalize. */
  readonly completion: ApiRequest[]
}

const LOCATION = '<storage location of the new version>'

/**
 * Plans a Unity Catalog version with the same source resolution and
 * checks as a real run, which only read. The storage location exists
 * only once the version does, so it is a placeholder.
 */
export async function planUnityCatalogVersion(
  context: RegistrationContext,
  directory: ModelDirectory | undefined,
  runTags: readonly Tag[],
  signed: DirectoryProvenance | undefined
): Promise<PlannedUnityCatalogVersion> {
  const { http, config } = context
  const local = directory ? { directory, signed } : undefined
  const { source, files } = await prepareUnityCatalogSource(context, local)
  const names =
    files.kind === 'local'
      ? files.directory.files.map(file => file.relativePath)
      : (await listSourceFiles(http, files.source)).map(file => file.name)
  const signature = files.kind === 'local' ? files.signatureFile : undefined
  if (signature && !names.includes(SIGNATURE_FILE)) names.push(SIGNATURE_FILE)

  const name = config.modelName
  const completion: ApiRequest[] = [
    write('POST', 'model-versions/generate-temporary-credentials', {
      name,
      version: NEW_VERSION,
      operation: 'MODEL_VERSION_OPERATION_READ_WRITE'
    }),
    ...names.map(file => upload(file)),
    ...(signature
      ? [
          write('POST', 'model-versions/set-tag', {
            name,
            version: NEW_VERSION,
            key: SIGNATURE_TAG,
            value: `${LOCATION}/${SIGNATURE_FILE}`
          })
        ]
      : []),
    write('POST', 'model-versions/finalize', { name, version: NEW_VERSION })
  ]
  const digest = directory ? undefined : context.progress.modelDigest
  return { source, tags: [...runTags, ...signatureTags(digest)], completion }
}

function write(
  method: ApiRequest['method'],
  path: string,
  json: unknown
): ApiRequest {
  const operation = path.split('/').pop()?.replace(/-/g, ' ') ?? path
  return {
    method,
    path: `${API}/${path}`,
    json,
    operation,
    idempotent: false
  }
}

function upload(file: string): ApiRequest {
  return {
    method: 'PUT',
    path: `${LOCATION}/${file}`,
    operation: 'upload model file to storage',
    idempotent: false
  }
}
