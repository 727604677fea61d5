import { putObjectWriter } from './put-object-writer.js'
import { parseR2Location, r2BucketUrl } from './r2-location.js'
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
  return putObjectWriter(context, {
    keys: {
      ...r2,
      access_key_id: r2.access_key_id,
      secret_access_key: r2.secret_access_key
    },
    region: R2_REGION,
    bucketUrl: r2BucketUrl(context.endpoints.r2, location),
    prefix: location.prefix,
    service: 'R2',
    describe: key => `r2://${location.bucket}@${location.host}/${key}`
  })
}
