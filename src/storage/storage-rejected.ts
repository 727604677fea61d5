import {
  DiagnosedError,
  diagnose,
  type Diagnosis
} from '../diagnosis/diagnosis.js'
import { HttpError } from '../http/errors.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import type { TemporaryCredentials } from '../mlflow/unity-catalog.js'
import { httpEvidence } from '../preflight/evidence.js'

/**
 * Error codes with which storage services reject expired or invalid
 * credentials on HTTP 400, as S3 and R2 do; any 401 or 403 counts too.
 */
const REJECTING_400_CODES = new Set([
  'ExpiredToken',
  'InvalidToken',
  'TokenRefreshRequired',
  'AuthenticationFailed'
])

/** Error codes with which S3 and R2 reject expired session tokens. */
const EXPIRED_CODES = new Set(['ExpiredToken', 'TokenRefreshRequired'])

/**
 * Checks whether a storage service rejected the credentials because
 * they expired: an S3 or R2 expired-token code, or a 403 whose body
 * names the expiry, as S3's "Request has expired" and Azure's "Signed
 * expiry time" do.
 */
export function isExpiredCredentials(error: unknown): boolean {
  if (!isStorageRejection(error)) return false
  const { status, body } = error.response
  const code = storageErrorCode(body)
  if (code !== undefined && EXPIRED_CODES.has(code)) return true
  return status === 403 && /\bexpir(ed|y)\b/i.test(body)
}

/**
 * Turns a storage service's rejection of the temporary credentials into
 * a STORAGE_REJECTED diagnosis that names the storage. Any other failure
 * returns undefined and keeps its own classification.
 */
export function storageRejected(
  error: unknown,
  version: ModelVersion,
  kind: string,
  credentials: TemporaryCredentials,
  now: Date = new Date()
): DiagnosedError | undefined {
  if (!isStorageRejection(error)) return undefined
  const code = storageErrorCode(error.response.body)
  return new DiagnosedError(
    rejection(error, version, kind, credentials, now, code),
    { cause: error }
  )
}

/**
 * Checks whether a storage service rejected a request's credentials:
 * any 401 or 403, or a 400 with one of the codes that name them.
 */
export function isStorageRejection(error: unknown): error is HttpError {
  if (!(error instanceof HttpError)) return false
  const { status } = error.response
  const code = storageErrorCode(error.response.body)
  return (
    status === 401 ||
    status === 403 ||
    (status === 400 && code !== undefined && REJECTING_400_CODES.has(code))
  )
}

function rejection(
  error: HttpError,
  version: ModelVersion,
  kind: string,
  credentials: TemporaryCredentials,
  now: Date,
  code: string | undefined
): Diagnosis {
  const expiry = credentials.expiration_time
  const expired = expiry !== undefined && expiry <= now.getTime()
  const when =
    expiry === undefined
      ? ''
      : ` The credentials ${expired ? 'expired' : 'expire'} at ` +
        `${new Date(expiry).toISOString()}.`
  return diagnose(
    'STORAGE_REJECTED',
    `${kind} answered HTTP ${error.response.status}` +
      `${code ? ` ${code}` : ''} to ${error.request.operation} at ` +
      `${version.storage_location ?? '(no location)'}: it rejected the ` +
      'temporary credentials that Unity Catalog issued for version ' +
      `${version.version} of '${version.name}'.${when} The version stays ` +
      'PENDING_REGISTRATION.',
    'Run the job again: a re-run requests new credentials and completes ' +
      'the pending version. If it fails again, check that the runner ' +
      "clock is correct, that the catalog's storage credential still " +
      'grants write access to the external location, and that no ' +
      'firewall or private endpoint rule of the storage account or ' +
      'bucket blocks the runner.',
    httpEvidence(error)
  )
}

/**
 * Reads the error code from a storage error body: `<Code>` in the XML
 * of S3, R2 and Azure Blob, `reason` in the JSON of Google Cloud
 * Storage.
 */
export function storageErrorCode(body: string): string | undefined {
  const xml = /<Code>\s*([^<\s]+)\s*<\/Code>/.exec(body)?.[1]
  if (xml) return xml
  return /"reason"\s*:\s*"([^"]+)"/.exec(body)?.[1]
}
