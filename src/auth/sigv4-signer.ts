import type { AwsCredentials } from '../config/aws-credentials.js'

/** The SHA-256 of an empty body, in hex. */
export const EMPTY_PAYLOAD_HASH =
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'

const PAYLOAD_HASH_HEADER = 'x-amz-content-sha256'

/** A request to sign, as it will be sent. */
export interface RequestToSign {
  readonly method: string
  readonly url: URL
  /** Lower-case header names; `host` is taken from the URL. */
  readonly headers: Readonly<Record<string, string>>
  /** The hex SHA-256 of the body. */
  readonly payloadHash: string
}

/** The AWS region and service name that a signature is valid for. */
export interface SigningScope {
  readonly region: string
  readonly service: string
}

/** Options of one signature. */
export interface SigningOptions {
  readonly signingDate: Date
  /**
   * Whether to send the body hash as `X-Amz-Content-SHA256`, as the
   * sagemaker-mlflow plugin does. The hash is signed either way.
   */
  readonly sendPayloadHash: boolean
  /**
   * Whether to encode the path once more before signing. S3 signs the
   * path as sent, every other service (as botocore does) encodes it again.
   */
  readonly escapePath?: boolean
}

/**
 * Signs a request with AWS Signature Version 4 and returns the headers to
 * add: `authorization`, `x-amz-date`, and `x-amz-security-token` and
 * `x-amz-content-sha256` when they apply. The path is signed as it is on
 * the wire and encoded once more, as botocore does for every service
 * except S3.
 */
export async function signRequest(
  request: RequestToSign,
  credentials: AwsCredentials,
  scope: SigningScope,
  options: SigningOptions
): Promise<Record<string, string>> {
  // Imported on first use, so other auth modes do not load the AWS SDK.
  const [{ Sha256 }, { SignatureV4 }] = await Promise.all([
    import('@aws-crypto/sha256-js'),
    import('@smithy/signature-v4')
  ])
  const signer = new SignatureV4({
    credentials,
    region: scope.region,
    service: scope.service,
    sha256: Sha256,
    uriEscapePath: options.escapePath ?? true,
    applyChecksum: false
  })
  const { url } = request
  const headers: Record<string, string> = {
    ...request.headers,
    host: url.host,
    [PAYLOAD_HASH_HEADER]: request.payloadHash
  }
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: url.pathname,
      query: readQuery(url),
      headers
    },
    {
      signingDate: options.signingDate,
      ...(options.sendPayloadHash
        ? {}
        : { unsignableHeaders: new Set([PAYLOAD_HASH_HEADER]) })
    }
  )
  return pickAddedHeaders(signed.headers, request.headers, options)
}

/**
 * Decodes the query's percent escapes, leaving a `+` as a plus, and the
 * signer encodes each name and value again. The transport sends spaces
 * as `%20` and never a bare `+`, whose meaning servers disagree on.
 */
function readQuery(url: URL): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {}
  const raw = url.search.replace(/^\?/, '')
  if (raw === '') return query
  for (const pair of raw.split('&')) {
    const [rawName = '', ...rest] = pair.split('=')
    const name = decodeURIComponent(rawName)
    const value = decodeURIComponent(rest.join('='))
    const existing = query[name]
    if (existing === undefined) query[name] = value
    else if (Array.isArray(existing)) existing.push(value)
    else query[name] = [existing, value]
  }
  return query
}

function pickAddedHeaders(
  signed: Record<string, string>,
  original: Readonly<Record<string, string>>,
  options: SigningOptions
): Record<string, string> {
  const added: Record<string, string> = {}
  for (const [name, value] of Object.entries(signed)) {
    const lower = name.toLowerCase()
    if (lower === 'host' || lower in original) continue
    if (lower === PAYLOAD_HASH_HEADER && !options.sendPayloadHash) continue
    added[lower] = value
  }
  return added
}
