import type { AwsCredentials } from '../config/aws-credentials.js'
import type { SageMakerTarget } from '../config/sagemaker-arn.js'
import { nodeCrypto } from '../node-crypto.js'
import { EMPTY_PAYLOAD_HASH, signRequest } from './sigv4-signer.js'
import type {
  AuthProvider,
  Credential,
  OutgoingBody,
  OutgoingRequest
} from './provider.js'

/**
 * AWS Signature Version 4 for SageMaker managed MLflow, as the
 * `sagemaker-mlflow` plugin (0.3.0) signs: the ARN routing header, the
 * body's real SHA-256 in `X-Amz-Content-SHA256`, and the region and
 * service from the ARN. Streamed artifact bodies are hashed by reading
 * them once before they are sent, because the plugin sends the real hash
 * and whether the service accepts `UNSIGNED-PAYLOAD` is not documented.
 */
export class SigV4Auth implements AuthProvider {
  readonly mode = 'sigv4'
  readonly credential: Credential
  readonly #target: SageMakerTarget
  readonly #credentials: AwsCredentials
  readonly #now: () => Date

  constructor(
    target: SageMakerTarget,
    credentials: AwsCredentials,
    now: () => Date = () => new Date()
  ) {
    this.#target = target
    this.#credentials = credentials
    this.#now = now
    this.credential = {
      kind: 'aws',
      region: target.region,
      service: target.service
    }
  }

  async authorize(
    headers: Record<string, string>,
    request: OutgoingRequest
  ): Promise<void> {
    headers[this.#target.arnHeader] = this.#target.arn
    const signed = await signRequest(
      {
        method: request.method,
        url: request.url,
        headers,
        payloadHash: await hashPayload(request.body)
      },
      this.#credentials,
      this.#target,
      { signingDate: this.#now(), sendPayloadHash: true }
    )
    Object.assign(headers, signed)
  }
}

/** Returns the hex SHA-256 of a body, reading a stream to its end. */
export async function hashPayload(body: OutgoingBody): Promise<string> {
  if (body === undefined) return EMPTY_PAYLOAD_HASH
  const hash = nodeCrypto().createHash('sha256')
  const source = typeof body === 'string' ? body : body.open()
  if (typeof source === 'string' || Buffer.isBuffer(source)) {
    return hash.update(source).digest('hex')
  }
  for await (const chunk of source) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
