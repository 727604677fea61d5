import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import { finalizeModelVersion } from '../mlflow/unity-catalog.js'
import type { S3Endpoint } from '../storage/s3-location.js'
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
  endpoint: S3Endpoint,
  log: Logger
): Promise<ModelVersion> {
  if (version.status !== 'PENDING_REGISTRATION') return version
  await uploadToStorage(http, version, directory, endpoint, log)
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
