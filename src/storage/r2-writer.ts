import { encodePath } from '../mlflow/artifacts.js'
import { maskSecret } from '../config/secrets.js'
import { fileBody } from './file-chunks.js'
import { parseR2Location, r2BucketUrl } from './r2-location.js'
import { S3Signer } from './s3-signer.js'
import { storageClient } from './storage-client.js'
import type { WriterFactory } from './storage-writer.js'

/**
 * R2 accepts SigV4 signatures for the region `auto`, and MLflow 3.17
 * leaves the region unset for it.
 */
const R2_REGION = 'auto'

/**
 * Writes to an `r2://` location with `r2_temp_credentials`, one PUT
 * Object per file, signed with SigV4 as for S3.
 */
export const r2Writer: WriterFactory = context => {
  const r2 = context.credentials.r2_temp_credentials
  const location = parseR2Location(context.location)
  if (!r2?.access_key_id || !r2.secret_access_key || !location) {
    return undefined
  }
  const mask = context.http.options.mask
  if (mask) {
    maskSecret(mask, r2.secret_access_key)
    if (r2.session_token) maskSecret(mask, r2.session_token)
  }

  const signer = new S3Signer(
    {
      accessKeyId: r2.access_key_id,
      secretAccessKey: r2.secret_access_key,
      ...(r2.session_token ? { sessionToken: r2.session_token } : {})
    },
    R2_REGION
  )
  const baseUrl = r2BucketUrl(context.endpoints.r2, location)
  const storage = storageClient(context, baseUrl, signer)
  return {
    async put(file) {
      const key = location.prefix
        ? `${location.prefix}/${file.relativePath}`
        : file.relativePath
      await storage.send({
        method: 'PUT',
        path: encodePath(key),
        body: fileBody(file),
        operation: 'upload model file to R2',
        resource: `r2://${location.bucket}@${location.host}/${key}`,
        idempotent: true
      })
    }
  }
}
