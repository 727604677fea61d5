import { parseEndpointUrl } from './endpoint-url.js'

/** A bucket and key prefix, from an R2 storage location. */
export interface R2Location {
  readonly bucket: string
  /** The account's S3-compatible host, `<account>.r2.cloudflarestorage.com`. */
  readonly host: string
  /** The key prefix without leading or trailing slashes, or empty. */
  readonly prefix: string
}

/** The S3-compatible endpoint that replaces the account's own, if any. */
export interface R2Endpoint {
  /** MLFLOW_R2_ENDPOINT_URL, addressed path-style. */
  readonly url?: URL
}

/**
 * Parses `r2://bucket@account.r2.cloudflarestorage.com/path`, the form
 * of MLflow 3.17's R2 artifact repository.
 */
export function parseR2Location(uri: string): R2Location | undefined {
  const match = /^r2:\/\/([^@/]+)@([^/]+)\/?(.*)$/i.exec(uri)
  if (!match?.[1] || !match[2]) return undefined
  return {
    bucket: match[1],
    host: match[2],
    prefix: (match[3] ?? '').replace(/^\/+|\/+$/g, '')
  }
}

/**
 * Reads MLFLOW_R2_ENDPOINT_URL, this action's counterpart of
 * MLFLOW_S3_ENDPOINT_URL for R2 locations: MLflow 3.17 always sends R2
 * requests to the account's host and reads no variable for it.
 */
export function readR2Endpoint(env: NodeJS.ProcessEnv): R2Endpoint {
  const raw = env.MLFLOW_R2_ENDPOINT_URL
  if (!raw) return {}
  return { url: parseEndpointUrl('MLFLOW_R2_ENDPOINT_URL', raw) }
}

/**
 * Returns the URL that a bucket's keys are joined to: the endpoint with
 * the bucket as the first path segment, or the account's virtual-hosted
 * URL, as MLflow addresses R2.
 */
export function r2BucketUrl(endpoint: R2Endpoint, location: R2Location): URL {
  if (endpoint.url) {
    const base = endpoint.url.href.replace(/\/+$/, '')
    return new URL(`${base}/${encodeURIComponent(location.bucket)}`)
  }
  return new URL(`https://${location.bucket}.${location.host}`)
}
