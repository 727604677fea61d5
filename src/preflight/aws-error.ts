import type { ResponseFacts } from '../http/errors.js'

/** An error in one of AWS's response shapes. */
export interface AwsError {
  /** The error type, such as `AccessDeniedException`. */
  readonly type: string
  readonly message: string
  /** The IAM action the message names, such as `sagemaker-mlflow:CreateRun`. */
  readonly action?: string
  /** The caller's ARN the message names, such as an assumed role's. */
  readonly principal?: string
  /** The ARN of the resource the message names. */
  readonly resource?: string
  /** S3's `<BucketName>` element, which some S3 errors carry. */
  readonly bucket?: string
  /**
   * Whether the body is S3's XML error: a root `<Error>` element with a
   * `<HostId>` or `<BucketName>`, which the JSON and query protocols of
   * SageMaker do not send.
   */
  readonly s3Xml: boolean
}

const IAM_ACTION = /not authorized to perform:? ([a-z0-9-]+:[A-Za-z0-9*]+)/
/**
 * The caller in IAM's denial message, which starts "User: <arn> is not
 * authorized to perform: <action> on resource: <arn>".
 */
const IAM_PRINCIPAL = /\b(arn:aws[a-z-]*:(?:sts|iam)::\d*:[^\s"]+)/
const IAM_RESOURCE = /on resource:? "?(arn:[^\s"]+)"?/

/**
 * Reads an AWS error from a response: the `x-amzn-ErrorType` header or
 * `__type` of the JSON protocols, or the `<Code>` of the XML ones.
 * Returns undefined for any other response.
 */
export function readAwsError(response: ResponseFacts): AwsError | undefined {
  const json = readJson(response.body)
  const xmlCode = /<Code>([^<]+)<\/Code>/.exec(response.body)?.[1]
  const rawType =
    response.amznErrorType ?? textOf(json?.__type) ?? xmlCode ?? undefined
  if (!rawType) return undefined

  // `__type` may carry a namespace (`com.amazon...#AccessDenied`) and the
  // header a suffix after a colon.
  const type = rawType.replace(/^.*#/, '').replace(/:.*$/, '')
  const message =
    textOf(json?.message) ??
    textOf(json?.Message) ??
    /<Message>([^<]*)<\/Message>/.exec(response.body)?.[1] ??
    ''
  const action = IAM_ACTION.exec(message)?.[1]
  const principal = IAM_PRINCIPAL.exec(message)?.[1]
  const resource = IAM_RESOURCE.exec(message)?.[1]
  const bucket = /<BucketName>([^<]+)<\/BucketName>/.exec(response.body)?.[1]
  const s3Xml =
    /^(?:<\?xml[^>]*>\s*)?<Error>/.test(response.body.trim()) &&
    /<HostId>|<BucketName>/.test(response.body)
  return {
    type,
    message,
    s3Xml,
    ...(action ? { action } : {}),
    ...(principal ? { principal } : {}),
    ...(resource ? { resource } : {}),
    ...(bucket ? { bucket } : {})
  }
}

function readJson(body: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(body)
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

function textOf(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined
}
