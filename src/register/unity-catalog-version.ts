import { Readable } from 'node:stream'

import type { Logger } from '../host/host.js'
import { isRequestError, type RequestError } from '../http/errors.js'
import type { HttpClient } from '../http/transport.js'
import { DOWNLOAD_OPERATION } from '../mlflow/artifacts.js'
import { setModelVersionTag } from '../mlflow/registry.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import { finalizeModelVersion } from '../mlflow/unity-catalog.js'
import { SIGNATURE_FILE } from '../provenance/model-digest.js'
import { SIGNATURE_TAG } from '../provenance/registration-signing.js'
import type { StorageEndpoints } from '../storage/endpoints.js'
import {
  localStorageFiles,
  proxyStorageFiles,
  type StorageFile
} from '../storage/storage-file.js'
import { uploadToStorage } from '../storage/upload-to-storage.js'
import type { ModelDirectory } from './model-directory.js'
import { listSourceFiles, type ProxiedSource } from './unity-catalog-source.js'
import type { GeneratedFile } from './upload.js'

/** The origin of a Unity Catalog version's files. */
export type UnityCatalogFiles =
  | {
      readonly kind: 'local'
      readonly directory: ModelDirectory
      /** The `model.sig` of `signing`, written beside the model files. */
      readonly signatureFile?: GeneratedFile | undefined
    }
  | { readonly kind: 'proxied'; readonly source: ProxiedSource }

/**
 * Completes a Unity Catalog version that is PENDING_REGISTRATION: uploads
 * the model files to its storage location, then finalizes it, as MLflow
 * 3.17's Unity Catalog store does right after the create. A version an
 * earlier attempt left pending (found by its idempotency key) is
 * completed the same way; the uploads overwrite whatever it wrote.
 */
export async function completeUnityCatalogVersion(
  http: HttpClient,
  version: ModelVersion,
  files: UnityCatalogFiles,
  endpoints: StorageEndpoints,
  log: Logger
): Promise<ModelVersion> {
  if (version.status !== 'PENDING_REGISTRATION') return version
  const storageFiles = await listStorageFiles(http, files)
  try {
    await uploadToStorage(http, version, storageFiles, endpoints, log)
  } catch (error) {
    throw sourceFailure(error, version, log) ?? error
  }
  if (files.kind === 'local' && files.signatureFile) {
    await recordSignatureLocation(http, version, log)
  }
  const finalized = await finalizeModelVersion(
    http,
    version.name,
    version.version
  )
  log.info(
    `Finalized version ${finalized.version} of '${finalized.name}': ` +
      (finalized.status ?? 'no status')
  )
  return finalized
}

async function listStorageFiles(
  http: HttpClient,
  files: UnityCatalogFiles
): Promise<StorageFile[]> {
  if (files.kind === 'proxied') {
    const listed = await listSourceFiles(http, files.source)
    return proxyStorageFiles(http, files.source.root, listed)
  }
  const local = localStorageFiles(files.directory)
  const generated = files.signatureFile
  if (!generated) return local
  return [
    ...local.filter(file => file.relativePath !== generated.relativePath),
    textStorageFile(generated)
  ]
}

function textStorageFile(file: GeneratedFile): StorageFile {
  const bytes = Buffer.from(file.text)
  return {
    relativePath: file.relativePath,
    size: bytes.length,
    open: () => Readable.from([bytes])
  }
}

/**
 * Tags the version with where its `model.sig` is. The storage location
 * exists only once the version does, so the create cannot carry it.
 */
async function recordSignatureLocation(
  http: HttpClient,
  version: ModelVersion,
  log: Logger
): Promise<void> {
  const value = `${version.storage_location ?? ''}/${SIGNATURE_FILE}`
  await setModelVersionTag(http, version.name, version.version, {
    key: SIGNATURE_TAG,
    value
  })
  log.info(`Uploaded the signature to ${value}`)
}

/**
 * Returns the download error behind a failed upload of a proxied file,
 * so the diagnosis names the tracking server rather than the storage.
 * The storage client wraps the error of the stream it was sending.
 */
function sourceFailure(
  error: unknown,
  version: ModelVersion,
  log: Logger
): RequestError | undefined {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (
      isRequestError(current) &&
      current.request.operation === DOWNLOAD_OPERATION
    ) {
      log.info(
        `Copying the source's files failed while reading ` +
          `${current.request.resource ?? current.request.url}; version ` +
          `${version.version} of '${version.name}' stays ` +
          'PENDING_REGISTRATION, and a re-run with the same idempotency ' +
          'key completes it.'
      )
      return current
    }
    current = current.cause
  }
  return undefined
}
