import { HttpClient } from '../http/transport.js'
import { encodePath } from '../mlflow/artifacts.js'
import type { TemporaryCredentials } from '../mlflow/unity-catalog.js'
import { S3Signer } from './s3-signer.js'
import { bucketUrl, parseS3Location } from './s3-location.js'
import type { WriterFactory } from './storage-writer.js'

/**
 * Writes to an `s3://` location with `aws_temp_credentials`, one PUT
 * Object per file, signed with SigV4.
 */
export const s3Writer: WriterFactory = context => {
  const aws = context.credentials.aws_temp_credentials
  const location = parseS3Location(context.location)
  if (aws === undefined || location === undefined) return undefined
  const mask = context.http.options.mask
  mask?.(aws.secret_access_key)
  if (aws.session_token) mask?.(aws.session_token)

  const { dispatcher, timeoutMs, retry, userAgent } = context.http.options
  const endpoint = context.endpoints.s3
  const storage = new HttpClient({
    dispatcher,
    timeoutMs,
    retry,
    userAgent,
    log: context.log,
    baseUrl: bucketUrl(endpoint, location.bucket),
    auth: new S3Signer(
      {
        accessKeyId: aws.access_key_id,
        secretAccessKey: aws.secret_access_key,
        ...(aws.session_token ? { sessionToken: aws.session_token } : {})
      },
      endpoint.region
    ),
    extraHeaders: encryptionHeaders(context.credentials)
  })
  return {
    async put(file) {
      const key = location.prefix
        ? `${location.prefix}/${file.relativePath}`
        : file.relativePath
      await storage.send({
        method: 'PUT',
        path: encodePath(key),
        body: {
          contentType: 'application/octet-stream',
          length: file.size,
          open: () => file.open()
        },
        operation: 'upload model file to S3',
        resource: `s3://${location.bucket}/${key}`,
        idempotent: true
      })
    }
  }
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
