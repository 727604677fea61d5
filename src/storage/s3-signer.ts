import { signRequest } from '../auth/sigv4-signer.js'
import { hashPayload } from '../auth/sigv4.js'
import type { AuthProvider, OutgoingRequest } from '../auth/provider.js'
import type { AwsCredentials } from '../config/aws-credentials.js'

/**
 * Signs S3 requests with temporary AWS credentials (SigV4, service `s3`),
 * with the body's SHA-256 in `x-amz-content-sha256` as S3 requires.
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
        payloadHash: await hashPayload(request.body)
      },
      this.#credentials,
      { region: this.credential.region, service: 's3' },
      { signingDate: this.#now(), sendPayloadHash: true, escapePath: false }
    )
    Object.assign(headers, signed)
  }
}
