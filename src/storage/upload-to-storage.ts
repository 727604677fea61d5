import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import { HttpError } from '../http/errors.js'
import { REGISTRY_PATHS, type HttpClient } from '../http/transport.js'
import type { TemporaryCredentials } from '../mlflow/unity-catalog.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import type { StorageEndpoints } from './endpoints.js'
import { azureWriter } from './azure-writer.js'
import { gcsWriter } from './gcs-writer.js'
import { presignedUrlWriter } from './presigned-url-writer.js'
import { r2Writer } from './r2-writer.js'
import { s3Writer } from './s3-writer.js'
import { StorageCredentials } from './storage-credentials.js'
import { isExpiredCredentials, storageRejected } from './storage-rejected.js'
import type { StorageFile } from './storage-file.js'
import type { StorageWriter, WriterFactory } from './storage-writer.js'

/** The storage kinds this action writes to, tried in turn. */
const WRITERS: readonly WriterFactory[] = [
  s3Writer,
  azureWriter,
  gcsWriter,
  r2Writer,
  presignedUrlWriter
]

/**
 * Uploads model files to a Unity Catalog model version's storage
 * location with the temporary credentials the registry issues for it.
 * A storage kind without a writer stops with UNSUPPORTED_STORAGE before
 * any file is sent.
 */
export async function uploadToStorage(
  http: HttpClient,
  version: ModelVersion,
  files: readonly StorageFile[],
  endpoints: StorageEndpoints,
  log: Logger
): Promise<void> {
  const source = new StorageCredentials(http, version, log)
  const credentials = await source.renew()
  const location = version.storage_location ?? ''
  // One writer per credentials, so each secret is masked once.
  const writers = new WeakMap<TemporaryCredentials, StorageWriter>()
  const makeWriter = (current: TemporaryCredentials): StorageWriter => {
    const context = { http, credentials: current, version, location }
    const writer =
      writers.get(current) ??
      WRITERS.map(make => make({ ...context, endpoints, log })).find(Boolean)
    if (writer === undefined) throw unsupportedStorage(version, current)
    writers.set(current, writer)
    return writer
  }
  makeWriter(credentials)
  const apiHosts = new Set(
    [http, http.route({ path: REGISTRY_PATHS[1] })].map(
      client => client.options.baseUrl.host
    )
  )

  log.info(
    `Uploading ${files.length} files to ${location} ` +
      `for version ${version.version}`
  )
  for (const file of files) {
    await putWithFreshCredentials(file, source, makeWriter, {
      version,
      apiHosts,
      log
    })
  }
  log.info(`Uploaded all ${files.length} files`)
}

/**
 * Writes one file with credentials that are valid for the margin, and
 * once more with new credentials when the storage rejects them as
 * expired. A storage service that rejects the credentials otherwise, or
 * again, ends the upload with a diagnosis that names it.
 */
async function putWithFreshCredentials(
  file: StorageFile,
  source: StorageCredentials,
  makeWriter: (credentials: TemporaryCredentials) => StorageWriter,
  target: {
    readonly version: ModelVersion
    /** The hosts of the tracking server and the registry. */
    readonly apiHosts: ReadonlySet<string>
    readonly log: Logger
  }
): Promise<void> {
  const { version, apiHosts, log } = target
  let credentials = await source.forNextFile()
  let writer = makeWriter(credentials)
  try {
    try {
      await writer.put(file)
    } catch (error) {
      if (writer.refreshesItself || !isExpiredCredentials(error)) throw error
      log.info(
        `The storage rejected the temporary credentials as expired for ` +
          `${file.relativePath}; requesting new ones and sending the ` +
          'file once more'
      )
      credentials = await source.renew()
      writer = makeWriter(credentials)
      await writer.put(file)
    }
  } catch (error) {
    // A rejection by the workspace itself, such as of a presigned URL
    // request, concerns its own token, so the usual diagnosis applies.
    if (error instanceof HttpError && apiHosts.has(error.request.host)) {
      throw error
    }
    const kind = describeStorageKind(credentials)
    throw storageRejected(error, version, kind, credentials) ?? error
  }
}

/** Names the storage kind of the credentials, for logs and diagnoses. */
export function describeStorageKind(credentials: TemporaryCredentials): string {
  if (credentials.storage_mode === 'DEFAULT_STORAGE') {
    return 'Databricks default storage (presigned URLs)'
  }
  if (credentials.azure_user_delegation_sas) {
    return 'Azure Data Lake Storage (user delegation SAS)'
  }
  if (credentials.gcp_oauth_token) return 'Google Cloud Storage (OAuth token)'
  if (credentials.r2_temp_credentials) return 'Cloudflare R2'
  if (credentials.aws_temp_credentials) return 'Amazon S3'
  return 'a storage kind the registry did not name'
}

function unsupportedStorage(
  version: ModelVersion,
  credentials: TemporaryCredentials
): DiagnosedError {
  const kind = describeStorageKind(credentials)
  return new DiagnosedError(
    diagnose(
      'UNSUPPORTED_STORAGE',
      `Unity Catalog stores version ${version.version} of '${version.name}' ` +
        `in ${kind}, at ${version.storage_location ?? '(no location)'}. ` +
        'This version of the action uploads model files to S3, Azure ' +
        'Data Lake Storage, Google Cloud Storage, Cloudflare R2 and ' +
        'Databricks default storage, with the matching credentials and ' +
        'location. The version stays PENDING_REGISTRATION.',
      'Register this model with the MLflow Python client ' +
        "(`mlflow.set_registry_uri('databricks-uc')`), or use a catalog " +
        'whose managed storage is an external location on one of those ' +
        'clouds.'
    )
  )
}
