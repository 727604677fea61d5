import { readAzureEndpoint, type AzureEndpoint } from './azure-location.js'
import { readGcsEndpoint, type GcsEndpoint } from './gcs-location.js'
import { readR2Endpoint, type R2Endpoint } from './r2-location.js'
import { readS3Endpoint, type S3Endpoint } from './s3-location.js'

/**
 * The endpoint of each kind of Unity Catalog storage: the cloud's own,
 * unless the environment names an emulator or an S3-compatible server.
 */
export interface StorageEndpoints {
  readonly s3: S3Endpoint
  readonly azure: AzureEndpoint
  readonly r2: R2Endpoint
  readonly gcs: GcsEndpoint
}

/** Reads the storage endpoints from the environment. */
export function readStorageEndpoints(env: NodeJS.ProcessEnv): StorageEndpoints {
  return {
    s3: readS3Endpoint(env),
    azure: readAzureEndpoint(env),
    r2: readR2Endpoint(env),
    gcs: readGcsEndpoint(env)
  }
}

/** The cloud endpoints, with S3 requests signed for us-east-1. */
export const DEFAULT_ENDPOINTS: StorageEndpoints = {
  s3: { region: 'us-east-1' },
  azure: {},
  r2: {},
  gcs: readGcsEndpoint({})
}
