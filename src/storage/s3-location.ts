import { configError } from '../diagnosis/diagnosis.js'

/** A bucket and key prefix, from an `s3://bucket/prefix` URI. */
export interface S3Location {
  readonly bucket: string
  /** The key prefix without leading or trailing slashes; may be empty. */
  readonly prefix: string
}

/** The endpoint of S3 requests and the region they are signed for. */
export interface S3Endpoint {
  /** MLFLOW_S3_ENDPOINT_URL, for S3-compatible servers; path-style. */
  readonly url?: URL
  readonly region: string
}

/** Parses a storage location such as `s3://bucket/models/abc/versions/1`. */
export function parseS3Location(uri: string): S3Location | undefined {
  const match = /^s3a?:\/\/([^/]+)\/?(.*)$/i.exec(uri)
  if (!match?.[1]) return undefined
  return { bucket: match[1], prefix: (match[2] ?? '').replace(/\/+$/, '') }
}

/**
 * Reads the S3 endpoint from the variables MLflow's S3 artifact
 * repository and the AWS SDKs read: MLFLOW_S3_ENDPOINT_URL, then
 * AWS_REGION or AWS_DEFAULT_REGION.
 */
export function readS3Endpoint(env: NodeJS.ProcessEnv): S3Endpoint {
  // NOTE: without a region variable, requests are signed for us-east-1,
  // and S3 rejects them for a bucket in another region. MLflow 3.17 reads
  // the bucket's region with HeadBucket first; this action does not.
  const region = [env.AWS_REGION, env.AWS_DEFAULT_REGION].find(
    value => value !== undefined && value !== ''
  )
  const raw = env.MLFLOW_S3_ENDPOINT_URL
  if (!raw) return { region: region ?? 'us-east-1' }
  const url = URL.parse(raw)
  if (url === null || !['http:', 'https:'].includes(url.protocol)) {
    throw configError(
      'environment variable MLFLOW_S3_ENDPOINT_URL',
      `'${raw}' is not an http or https URL`,
      'Set it to the URL of the S3-compatible server, or unset it for AWS.'
    )
  }
  return { url, region: region ?? 'us-east-1' }
}

/**
 * Returns the URL that a bucket's keys are joined to: the endpoint with
 * the bucket as the first path segment, or AWS's virtual-hosted URL.
 */
export function bucketUrl(endpoint: S3Endpoint, bucket: string): URL {
  if (endpoint.url) {
    const base = endpoint.url.href.replace(/\/+$/, '')
    return new URL(`${base}/${encodeURIComponent(bucket)}`)
  }
  return new URL(`https://${bucket}.s3.${endpoint.region}.amazonaws.com`)
}
