import type { TemporaryCredentials } from '../mlflow/unity-catalog.js'
import { putObjectWriter } from './put-object-writer.js'
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
  return putObjectWriter(context, {
    keys: aws,
    region: context.endpoints.s3.region,
    bucketUrl: bucketUrl(context.endpoints.s3, location.bucket),
    prefix: location.prefix,
    service: 'S3',
    describe: key => `s3://${location.bucket}/${key}`,
    headers: encryptionHeaders(context.credentials)
  })
}

/**
 * Returns the server-side encryption headers that the credentials ask
 * for, as MLflow 3.17 passes them to boto3's upload.
 */
export function encryptionHeaders(
  credentials: TemporaryCredentials
): { name: string; value: string }[] {
  const sse = credentials.encryption_details?.sse_encryption_details
  if (sse?.algorithm === 'AWS_SSE_S3') {
    return [{ name: 'x-amz-server-side-encryption', value: 'AES256' }]
  }
  if (sse?.algorithm === 'AWS_SSE_KMS') {
    // Without a key ARN, S3 uses the account's default KMS key.
    const arn = sse.aws_kms_key_arn
    return [
      { name: 'x-amz-server-side-encryption', value: 'aws:kms' },
      ...(arn
        ? [{ name: 'x-amz-server-side-encryption-aws-kms-key-id', value: arn }]
        : [])
    ]
  }
  return []
}
