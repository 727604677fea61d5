import { createReadStream } from 'node:fs'

import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import { HttpClient } from '../http/transport.js'
import { encodePath } from '../mlflow/artifacts.js'
import {
  generateTemporaryCredentials,
  type TemporaryCredentials
} from '../mlflow/unity-catalog.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import type { ModelDirectory, ModelFile } from '../register/model-directory.js'
import { S3Signer } from './s3-signer.js'
import {
  bucketUrl,
  parseS3Location,
  type S3Endpoint,
  type S3Location
} from './s3-location.js'

/**
 * Uploads a model directory to a Unity Catalog model version's storage
 * location with the temporary credentials the registry issues for it.
 * Only S3 (`aws_temp_credentials`) is written; every other storage kind
 * stops with UNSUPPORTED_STORAGE before any file is sent.
 */
export async function uploadToStorage(
  http: HttpClient,
  version: ModelVersion,
  directory: ModelDirectory,
  endpoint: S3Endpoint,
  log: Logger
): Promise<void> {
  // NOTE: the credentials are requested once and not refreshed before
  // they expire, as MLflow's repositories do, so a very long upload fails.
  const credentials = await generateTemporaryCredentials(
    http,
    version.name,
    version.version
  )
  const aws = credentials.aws_temp_credentials
  const location = parseS3Location(version.storage_location ?? '')
  if (aws === undefined || location === undefined) {
    throw unsupportedStorage(version, credentials)
  }
  const mask = http.options.mask
  mask?.(aws.secret_access_key)
  if (aws.session_token) mask?.(aws.session_token)

  const { dispatcher, timeoutMs, retry, userAgent } = http.options
  const storage = new HttpClient({
    dispatcher,
    timeoutMs,
    retry,
    userAgent,
    log,
    baseUrl: bucketUrl(endpoint, location.bucket),
    auth: new S3Signer(
      {
        accessKeyId: aws.access_key_id,
        secretAccessKey: aws.secret_access_key,
        ...(aws.session_token ? { sessionToken: aws.session_token } : {})
      },
      endpoint.region
    ),
    extraHeaders: encryptionHeaders(credentials)
  })
  log.info(
    `Uploading ${directory.files.length} files to ` +
      `${version.storage_location ?? ''} for version ${version.version}`
  )
  for (const file of directory.files) {
    await putObject(storage, location, file)
  }
  log.info(`Uploaded all ${directory.files.length} files`)
}

async function putObject(
  storage: HttpClient,
  location: S3Location,
  file: ModelFile
): Promise<void> {
  const key = location.prefix
    ? `${location.prefix}/${file.relativePath}`
    : file.relativePath
  await storage.send({
    method: 'PUT',
    path: encodePath(key),
    body: {
      contentType: 'application/octet-stream',
      length: file.size,
      open: () => createReadStream(file.absolutePath)
    },
    operation: 'upload model file to S3',
    resource: `s3://${location.bucket}/${key}`,
    idempotent: true
  })
}

/**
 * Returns the server-side encryption headers that the credentials ask
 * for, as MLflow 3.17 passes them to boto3's upload.
 */
function encryptionHeaders(
  credentials: TemporaryCredentials
): { name: string; value: string }[] {
  const sse = credentials.encryption_details?.sse_encryption_details
  if (sse?.algorithm === 'AWS_SSE_S3') {
    return [{ name: 'x-amz-server-side-encryption', value: 'AES256' }]
  }
  if (sse?.algorithm === 'AWS_SSE_KMS') {
    return [
      { name: 'x-amz-server-side-encryption', value: 'aws:kms' },
      {
        name: 'x-amz-server-side-encryption-aws-kms-key-id',
        value: sse.aws_kms_key_arn ?? ''
      }
    ]
  }
  return []
}

/** Names the storage kind of credentials this action cannot write to. */
export function describeStorageKind(credentials: TemporaryCredentials): string {
  if (credentials.storage_mode === 'DEFAULT_STORAGE') {
    return 'Databricks default storage (presigned URLs)'
  }
  if (credentials.azure_user_delegation_sas) {
    return 'Azure Data Lake Storage (user delegation SAS)'
  }
  if (credentials.gcp_oauth_token) return 'Google Cloud Storage (OAuth token)'
  if (credentials.r2_temp_credentials) return 'Cloudflare R2'
  if (credentials.aws_temp_credentials) return 'S3 at a location not s3://'
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
        'This version of the action uploads model files to S3 only. The ' +
        'version stays PENDING_REGISTRATION.',
      'Register this model with the MLflow Python client ' +
        "(`mlflow.set_registry_uri('databricks-uc')`), or use a catalog " +
        'whose managed storage is on S3.'
    )
  )
}
