import type { Credential } from '../auth/provider.js'

/** The request side of a failure, safe to show: no headers, no query. */
export interface RequestFacts {
  readonly method: string
  /** The URL without user info, query or fragment. */
  readonly url: string
  /** What the request was for, in words: `create model version`. */
  readonly operation: string
  /** The object it acted on: `registered model 'fraud-model'`. */
  readonly resource?: string
  readonly credential: Credential
  /** The `Host` header sent, which MLflow's host check compares. */
  readonly host: string
  readonly connection?: ConnectionFacts
  /** The request body's size, and the local file it is read from. */
  readonly upload?: UploadFacts
  /**
   * The `Server` and `Via` headers of the last MLflow JSON response from
   * the same server before this request failed. A proxy that stamps
   * every response stamps these too, so only headers absent here mark a
   * response as a proxy's.
   */
  readonly earlierMlflowHeaders?: ResponderHeaders
  /**
   * Whether the client had received an HTTP response, of any status, from
   * the origin of `url` when the request failed. Absent counts as false.
   */
  readonly originResponded?: boolean
}

/** The body of an upload, for diagnoses of a rejected size. */
export interface UploadFacts {
  /** The local file the body is read from, if it comes from a file. */
  readonly file?: string
  /** The body's `Content-Length` in bytes. */
  readonly bytes: number
}

/** The headers that name who sent a response. */
export interface ResponderHeaders {
  readonly server?: string
  readonly via?: string
}

/** The connection to the tracking server (proxy, TLS), for diagnoses. */
export interface ConnectionFacts {
  /** The outbound proxy the request went through, without credentials. */
  readonly proxy?: string
  /** The user in the proxy URL, when it carries credentials. */
  readonly proxyUser?: string
  /** Whether `ca-cert` replaced the trusted roots. */
  readonly customCa: boolean
  /** The client certificate sent in the TLS handshake, if any. */
  readonly clientCertificate?: {
    readonly subject: string
    readonly validTo: string
  }
}

/** The shape of a JSON error body, which tells who wrote it. */
export type ErrorBodyShape =
  /** MLflow's own `{"error_code", "message"}`. */
  | 'mlflow'
  /** `{"message"}` alone, as auth plugins answer. */
  | 'message'
  /** `{"error": {"code", "message"}}`, as some distributions nest it. */
  | 'nested'
  /** FastAPI's `{"detail": ...}`, as API gateways built on it answer. */
  | 'detail'

/** An error read from a JSON body. */
export interface ErrorBody {
  readonly shape: ErrorBodyShape
  readonly errorCode?: string
  readonly message: string
}

/** The response side of a failure. */
export interface ResponseFacts {
  readonly status: number
  readonly contentType?: string
  readonly server?: string
  readonly via?: string
  readonly wwwAuthenticate?: string
  readonly location?: string
  readonly retryAfter?: string
  /** AWS's `x-amzn-ErrorType` header, which names an AWS error. */
  readonly amznErrorType?: string
  /**
   * Google's `X-Goog-IAP-Generated-Response` header, which Identity-Aware
   * Proxy sets on the responses it sends itself.
   */
  readonly iapGenerated?: string
  /** The start of the body, whitespace collapsed. */
  readonly body: string
  readonly errorBody?: ErrorBody
  /** The `<title>` of an HTML page. */
  readonly pageTitle?: string
}

/** A request that got an HTTP answer other than the expected JSON. */
export class HttpError extends Error {
  readonly request: RequestFacts
  readonly response: ResponseFacts

  constructor(request: RequestFacts, response: ResponseFacts, reason: string) {
    super(`${request.method} ${request.url} ${reason}`)
    this.name = 'HttpError'
    this.request = request
    this.response = response
  }

  /** The MLflow `error_code`, when the body is MLflow's JSON error. */
  get errorCode(): string | undefined {
    return this.response.errorBody?.errorCode
  }
}

/** A request that got no HTTP answer: refused, reset, timed out, TLS. */
export class ConnectionError extends Error {
  readonly request: RequestFacts
  /** The Node.js or undici error code, such as `ECONNREFUSED`. */
  readonly code: string

  constructor(request: RequestFacts, code: string, options: ErrorOptions) {
    const cause = options.cause instanceof Error ? options.cause.message : ''
    super(
      `${request.method} ${request.url} failed: ${code} ${cause}`.trim(),
      options
    )
    this.name = 'ConnectionError'
    this.request = request
    this.code = code
  }
}

/** An error from the transport: an HTTP answer or no answer at all. */
export type RequestError = HttpError | ConnectionError

/** Whether a value is one of the transport's errors. */
export function isRequestError(error: unknown): error is RequestError {
  return error instanceof HttpError || error instanceof ConnectionError
}
