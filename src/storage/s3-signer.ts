import { signRequest } from '../auth/sigv4-signer.js'
import { hashPayload } from '../auth/sigv4.js'
import type { AuthProvider, OutgoingRequest } from '../auth/provider.js'
import type { AwsCredentials } from '../config/aws-credentials.js'

/**
 * The `x-amz-content-sha256` value that leaves the payload out of the
 * signature, which S3 and R2 accept for PUT Object.
 */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD'

/**
 * Signs S3 requests with temporary AWS credentials (SigV4, service `s3`).
 * A streamed body is sent as UNSIGNED-PAYLOAD, as the AWS SDKs send
 * uploads, because hashing it first would read each file, or download a
 * remote one, twice. A string body's SHA-256 is signed.
 */
export class S3Signer implements AuthProvider {
  readonly mode = 'sigv4'
  readonly credential
  readonly #credentials: AwsCredentials
  readonly #now: () => Date

  constructor(
    credentials: AwsCredentials,
    region: string,
    now: () => Date = () => new Date()
  ) {
    this.#credentials = credentials
    this.#now = now
    this.credential = { kind: 'aws', region, service: 's3' } as const
  }

  async authorize(
    headers: Record<string, string>,
    request: OutgoingRequest
  ): Promise<void> {
    const signed = await signRequest(
      {
        method: request.method,
        url: request.url,
        headers,
        payloadHash:
          request.body === undefined || typeof request.body === 'string'
            ? await hashPayload(request.body)
            : UNSIGNED_PAYLOAD
      },
      this.#credentials,
      { region: this.credential.region, service: 's3' },
      { signingDate: this.#now(), sendPayloadHash: true, escapePath: false }
    )
    Object.assign(headers, signed)
  }
}
