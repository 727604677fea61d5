import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import { finalizeModelVersion } from '../mlflow/unity-catalog.js'
import type { StorageEndpoints } from '../storage/endpoints.js'
import { localStorageFiles } from '../storage/storage-file.js'
import { uploadToStorage } from '../storage/upload-to-storage.js'
import type { ModelDirectory } from './model-directory.js'

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
  directory: ModelDirectory,
  endpoints: StorageEndpoints,
  log: Logger
): Promise<ModelVersion> {
  if (version.status !== 'PENDING_REGISTRATION') return version
  const files = localStorageFiles(directory)
  await uploadToStorage(http, version, files, endpoints, log)
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
