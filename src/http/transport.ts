import type { Readable } from 'node:stream'

import { request as undiciRequest, type Dispatcher } from './undici.js'
import type { z } from 'zod'

import type { AuthProvider } from '../auth/provider.js'
import type { ExtraHeader } from '../config/extra-headers.js'
import type { MaskSecret } from '../config/secrets.js'
import { DiagnosedError } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import {
  ConnectionError,
  HttpError,
  type ResponderHeaders,
  type ConnectionFacts,
  type RequestError,
  type RequestFacts
} from './errors.js'
import { parseErrorBody, readResponseFacts } from './response-facts.js'
import { isTransient, retryDelay, type RetryPolicy } from './retry.js'
import { describeUrl, joinUrl, type Query } from './url.js'

/** A request body that can be produced again for a retry. */
export interface ReplayableBody {
  readonly contentType: string
  readonly length: number
  open(): Readable | string | Buffer
}

/** One call to the tracking server. */
export interface ApiRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  /** The path below the tracking URI, such as `api/2.0/mlflow/...`. */
  readonly path: string
  readonly query?: Query
  readonly json?: unknown
  readonly body?: ReplayableBody
  /** The local file that `body` reads, named in diagnoses. */
  readonly file?: string
  /**
   * Headers of this request alone, such as a storage API's blob type.
   * They are sent to whichever origin the request goes to, so they must
   * not carry credentials.
   */
  readonly headers?: Readonly<Record<string, string>>
  /**
   * Statuses outside 2xx that are a response rather than a failure, such
   * as the 308 that acknowledges one chunk of a resumable upload.
   */
  readonly acceptStatus?: readonly number[]
  /** What the request does, in words, for logs and diagnoses. */
  readonly operation: string
  readonly resource?: string
  /**
   * Whether re-sending after a lost answer is safe. Creates are not: the
   * caller reads back and decides, so a retry never duplicates a version.
   */
  readonly idempotent: boolean
  /**
   * Consumes a successful response body as a stream, for downloads that
   * must not be held in memory; the response's `text` is then empty. It
   * is called again from the start when the request is retried.
   */
  readonly sink?: (body: Readable) => Promise<void>
  /**
   * Stops the request, and any retry of it, once the caller no longer
   * needs the response, such as when another upload of the run failed.
   */
  readonly signal?: AbortSignal
  /**
   * Marks a read sent before the caller knows it needs the response. It is
   * sent once, with no retry and no token refresh, and its response is not
   * kept as evidence about the server, so that it never changes the
   * diagnosis of a request sent alongside it.
   */
  readonly speculative?: boolean
  /**
   * Sends a registry path to the tracking server's own registry (the
   * workspace registry of a Databricks workspace) rather than to a
   * separate registry server or Unity Catalog.
   */
  readonly trackingServer?: boolean
}

/** A successful answer. */
export interface ApiResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
  readonly text: string
}

/** Settings of the HTTP client for one tracking server. */
export interface HttpClientOptions {
  readonly baseUrl: URL
  readonly auth: AuthProvider
  readonly dispatcher: Dispatcher
  readonly timeoutMs: number
  readonly retry: RetryPolicy
  readonly log: Logger
  readonly userAgent: string
  /** Headers for the tracking server's origin, such as service tokens. */
  readonly extraHeaders?: readonly ExtraHeader[]
  /** The connection to the server (proxy, TLS), for diagnoses. */
  readonly connection?: ConnectionFacts
  /**
   * The client of a separate registry server. Requests below
   * {@link REGISTRY_PATHS} go to it, everything else to `baseUrl`.
   */
  readonly registry?: HttpClient
  /**
   * Sends MLflow registry paths to Unity Catalog's endpoints, which
   * mirror them below `api/2.0/mlflow/unity-catalog/` (MLflow 3.17's
   * `databricks_uc_registry_service.proto`).
   */
  readonly unityCatalog?: boolean
  /** Masks secrets that responses carry, such as storage credentials. */
  readonly mask?: MaskSecret
}

/**
 * The paths of MLflow's model registry API, as MLflow's clients send them
 * to the registry URI rather than the tracking URI.
 */
export const REGISTRY_PATHS = [
  'api/2.0/mlflow/registered-models/',
  'api/2.0/mlflow/model-versions/',
  'api/2.0/mlflow/unity-catalog/'
] as const

const MAX_REDIRECTS = 3

/**
 * The facts a client gathers from its requests, shared with the clients that
 * {@link HttpClient.withRetryDeadline} derives from it.
 */
interface ClientHistory {
  /** HTTP requests sent, retries included. */
  sent: number
  /** `Server` and `Via` of the last response in MLflow's JSON shape. */
  mlflowHeaders: ResponderHeaders | undefined
  /** Origins that sent at least one HTTP response, of any status. */
  readonly respondedOrigins: Set<string>
}

/**
 * The HTTP client for the MLflow REST API: credentials only for the
 * tracking server's origin, explicit timeouts, retries of idempotent
 * requests when the server is unavailable, and redirects followed only
 * within the same origin and without changing the method.
 */
export class HttpClient {
  readonly options: HttpClientOptions
  /** Shared with the clients {@link withRetryDeadline} derives. */
  #history: ClientHistory = {
    sent: 0,
    mlflowHeaders: undefined,
    respondedOrigins: new Set()
  }
  /** The time on the retry clock after which no retry starts. */
  #retryDeadline = Infinity

  /** How many HTTP requests were sent, retries and the registry included. */
  get requestCount(): number {
    return this.#history.sent + (this.options.registry?.requestCount ?? 0)
  }

  constructor(options: HttpClientOptions) {
    this.options = options
  }

  /**
   * Creates a client for the same servers whose retries never start after
   * `deadline`, a time on the retry policy's clock. A caller with a time
   * budget of its own bounds the retries of its requests with it. Requests
   * the derived client sends count in this client's {@link requestCount},
   * and the responses of either client are earlier responses to the other
   * in the facts of a failed request.
   */
  withRetryDeadline(deadline: number): HttpClient {
    const registry = this.options.registry?.withRetryDeadline(deadline)
    const client = this.derive({
      ...this.options,
      ...(registry ? { registry } : {})
    })
    client.#history = this.#history
    client.#retryDeadline = Math.min(deadline, this.#retryDeadline)
    return client
  }

  /** Creates the client that {@link withRetryDeadline} returns. */
  protected derive(options: HttpClientOptions): HttpClient {
    return new HttpClient(options)
  }

  /** Returns the client that serves a request's path. */
  route(request: Pick<ApiRequest, 'path' | 'trackingServer'>): HttpClient {
    const { registry } = this.options
    const path = request.path.replace(/^\/+/, '')
    if (request.trackingServer === true || !registry) return this
    if (REGISTRY_PATHS.some(prefix => path.startsWith(prefix))) {
      return registry
    }
    return this
  }

  /** Sends a request, retrying when it is idempotent and transient. */
  async send(request: ApiRequest): Promise<ApiResponse> {
    const target = this.route(request)
    if (target !== this) return target.send(request)
    const { retry, log } = this.options
    const started = retry.now()
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.sendOnce(request)
      } catch (error) {
        if (!(error instanceof HttpError || error instanceof ConnectionError)) {
          throw error
        }
        const delay = retryDelay(retry, attempt, error)
        const now = retry.now()
        if (
          request.signal?.aborted === true ||
          request.speculative === true ||
          !request.idempotent ||
          !isTransient(error) ||
          attempt >= retry.maxAttempts ||
          now - started + delay > retry.budgetMs ||
          now + delay > this.#retryDeadline
        ) {
          throw error
        }
        log.info(
          `Retrying ${request.operation} (attempt ${attempt + 1} of ` +
            `${retry.maxAttempts}) in ${(delay / 1000).toFixed(1)} s: ` +
            failureSummary(error)
        )
        await retry.sleep(delay)
      }
    }
  }

  /** Sends a request and validates its JSON answer with a zod schema. */
  async json<T>(request: ApiRequest, schema: z.ZodType<T>): Promise<T> {
    const target = this.route(request)
    if (target !== this) return target.json(request, schema)
    const response = await this.send(request)
    // The request's facts are built only for an error, because building
    // them for each of 2,000 uploaded files cost about 20 ms of CPU.
    const failure = (problem: string): HttpError =>
      new HttpError(
        this.describe(
          request,
          joinUrl(this.options.baseUrl, this.apiPath(request.path))
        ),
        readResponseFacts(response.status, response.headers, response.text),
        problem
      )
    let parsed: unknown
    try {
      parsed = response.text.trim() === '' ? {} : JSON.parse(response.text)
    } catch {
      throw failure(
        `returned HTTP ${response.status} with a body that is not JSON`
      )
    }
    const result = schema.safeParse(parsed)
    if (result.success) return result.data
    throw failure(
      `returned JSON of an unexpected shape: ${result.error.message}`
    )
  }

  /** Checks whether registry calls of this client go to Unity Catalog. */
  get isUnityCatalog(): boolean {
    const registry = this.route({ path: REGISTRY_PATHS[1] })
    return registry.options.unityCatalog === true
  }

  private apiPath(path: string): string {
    const relative = path.replace(/^\/+/, '')
    if (!this.options.unityCatalog) return relative
    const mlflow = 'api/2.0/mlflow/'
    const mirrored = REGISTRY_PATHS.slice(0, 2)
    if (!mirrored.some(prefix => relative.startsWith(prefix))) return relative
    return `${mlflow}unity-catalog/${relative.slice(mlflow.length)}`
  }

  private async sendOnce(request: ApiRequest): Promise<ApiResponse> {
    let url = joinUrl(
      this.options.baseUrl,
      this.apiPath(request.path),
      request.query
    )
    for (let redirects = 0; ; redirects++) {
      const response = await this.dispatchWithRefresh(request, url)
      const location = response.headers.location
      if (request.acceptStatus?.includes(response.status)) return response
      const isRedirect = response.status >= 300 && response.status < 400
      if (!isRedirect) return this.check(request, url, response)
      const target =
        typeof location === 'string' ? new URL(location, url) : undefined
      const followable =
        target !== undefined &&
        (response.status === 307 || response.status === 308) &&
        target.origin === this.options.baseUrl.origin &&
        redirects < MAX_REDIRECTS
      if (!followable) return this.check(request, url, response)
      this.options.log.debug(
        `Following HTTP ${response.status} to ${describeUrl(target)}`
      )
      url = target
    }
  }

  /**
   * Sends a request, and once more with a new token when the server
   * rejects the token as expired or invalid.
   *
   * This holds for creates too, which are otherwise never re-sent here. A
   * 401 whose Bearer challenge carries `invalid_token` (RFC 6750, section 3)
   * comes from the layer that authenticates the request, and that layer
   * runs before the handler. MLflow's auth app checks credentials in a
   * before-request hook, and an access proxy checks them before it
   * forwards. So the server did not act on the request, and sending it
   * again cannot create a second version. Any other 401 proves nothing
   * about the handler and is not re-sent. Only one refresh is made per
   * request, so a server that rejects every token ends the run.
   */
  private async dispatchWithRefresh(
    request: ApiRequest,
    url: URL
  ): Promise<ApiResponse> {
    const { auth, log } = this.options
    const sent: Record<string, string> = {}
    const response = await this.dispatch(request, url, sent)
    if (
      response.status !== 401 ||
      request.speculative === true ||
      auth.refresh === undefined ||
      !('authorization' in sent) ||
      !isInvalidTokenChallenge(response.headers['www-authenticate'])
    ) {
      return response
    }
    log.info(
      `The server rejected the access token as invalid or expired ` +
        `(HTTP 401) for ${request.operation}; requesting a new token and ` +
        'sending the request once more'
    )
    await auth.refresh(sent.authorization)
    return this.dispatch(request, url, {})
  }

  private async dispatch(
    request: ApiRequest,
    url: URL,
    sent: Record<string, string>
  ): Promise<ApiResponse> {
    const headers: Record<string, string> = {
      'user-agent': this.options.userAgent,
      accept: 'application/json'
    }
    for (const [name, value] of Object.entries(request.headers ?? {})) {
      headers[name.toLowerCase()] = value
    }
    const body = this.bodyHeaders(request, headers)
    // Extra headers carry secrets, like credentials, so they go only to
    // the tracking server's origin. They are set before the auth provider
    // runs, so a SigV4 signature covers them.
    if (url.origin === this.options.baseUrl.origin) {
      for (const { name, value } of this.options.extraHeaders ?? []) {
        headers[name.toLowerCase()] = value
      }
      await this.options.auth.authorize(headers, {
        method: request.method,
        url,
        body: request.body ?? body
      })
      if (headers.authorization) sent.authorization = headers.authorization
    }
    // A stream body opens only now, so a failed authorization leaves no
    // file or download open.
    const payload = request.body ? request.body.open() : body
    const started = Date.now()
    this.#history.sent++
    try {
      const response = await undiciRequest(url, {
        method: request.method,
        headers,
        body: payload ?? null,
        dispatcher: this.options.dispatcher,
        signal: request.signal ?? null,
        headersTimeout: this.options.timeoutMs,
        bodyTimeout: this.options.timeoutMs
      })
      if (request.speculative !== true) {
        this.#history.respondedOrigins.add(url.origin)
      }
      const ok = response.statusCode >= 200 && response.statusCode < 300
      let text = ''
      if (ok && request.sink) await request.sink(response.body)
      else text = await response.body.text()
      this.options.log.debug(
        `${request.method} ${describeUrl(url)} -> HTTP ` +
          `${response.statusCode} in ${Date.now() - started} ms`
      )
      return { status: response.statusCode, headers: response.headers, text }
    } catch (error) {
      // A body or sink that stops the request with its own diagnosis,
      // such as a file changed since it was hashed, is no network fault.
      if (error instanceof DiagnosedError) throw error
      throw new ConnectionError(this.describe(request, url), errorCode(error), {
        cause: error
      })
    }
  }

  /**
   * Sets the body's content headers, and returns a JSON body's text; a
   * stream body is opened by the caller once the request is authorized.
   */
  private bodyHeaders(
    request: ApiRequest,
    headers: Record<string, string>
  ): string | undefined {
    if (request.json !== undefined) {
      headers['content-type'] = 'application/json'
      return JSON.stringify(request.json)
    }
    if (request.body) {
      headers['content-type'] = request.body.contentType
      headers['content-length'] = String(request.body.length)
    }
    return undefined
  }

  private check(
    request: ApiRequest,
    url: URL,
    response: ApiResponse
  ): ApiResponse {
    if (response.status >= 200 && response.status < 300) {
      this.rememberMlflowHeaders(request, url, response)
      return response
    }
    // The request facts are read before this response's headers are
    // stored, so a response is compared with earlier ones, not itself.
    const error = new HttpError(
      this.describe(request, url),
      readResponseFacts(response.status, response.headers, response.text),
      `returned HTTP ${response.status}`
    )
    this.rememberMlflowHeaders(request, url, response)
    throw error
  }

  /**
   * Stores the `Server` and `Via` headers of a tracking server response
   * in MLflow's JSON shape: a JSON object on success, or a body with
   * `error_code` on failure. A speculative request's response is not
   * stored.
   */
  private rememberMlflowHeaders(
    request: ApiRequest,
    url: URL,
    response: ApiResponse
  ): void {
    if (request.speculative === true) return
    if (url.origin !== this.options.baseUrl.origin) return
    const ok = response.status >= 200 && response.status < 300
    const isMlflow = ok
      ? /\bjson\b/i.test(headerText(response.headers['content-type'])) &&
        response.text.trimStart().startsWith('{')
      : parseErrorBody(response.text)?.shape === 'mlflow'
    if (!isMlflow) return
    const server = headerText(response.headers.server)
    const via = headerText(response.headers.via)
    this.#history.mlflowHeaders = {
      ...(server ? { server } : {}),
      ...(via ? { via } : {})
    }
  }

  private describe(request: ApiRequest, url: URL): RequestFacts {
    const { mlflowHeaders, respondedOrigins } = this.#history
    return {
      method: request.method,
      url: describeUrl(url),
      operation: request.operation,
      ...(request.resource ? { resource: request.resource } : {}),
      credential: this.options.auth.credential,
      host: url.host,
      ...(this.options.connection
        ? { connection: this.options.connection }
        : {}),
      ...(request.body
        ? {
            upload: {
              bytes: request.body.length,
              ...(request.file ? { file: request.file } : {})
            }
          }
        : {}),
      ...(mlflowHeaders ? { earlierMlflowHeaders: mlflowHeaders } : {}),
      ...(respondedOrigins.has(url.origin) ? { originResponded: true } : {})
    }
  }
}

function headerText(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(', ') : (value ?? '')
}

/** Checks whether `WWW-Authenticate` is a Bearer `invalid_token`. */
export function isInvalidTokenChallenge(
  header: string | string[] | undefined
): boolean {
  const values = Array.isArray(header) ? header : [header ?? '']
  return values.some(value =>
    /\bbearer\b[^]*\berror\s*=\s*"?invalid_token\b/i.test(value)
  )
}

/** Reads the most specific error code from an undici or Node.js error. */
export function errorCode(error: unknown): string {
  let current: unknown = error
  for (let depth = 0; depth < 4 && current; depth++) {
    const code = (current as { code?: unknown }).code
    if (typeof code === 'string' && code !== 'UND_ERR') return code
    current = (current as { cause?: unknown }).cause
  }
  return 'UNKNOWN'
}

function failureSummary(error: RequestError): string {
  if (error instanceof ConnectionError) return error.code
  const code = error.errorCode ? ` ${error.errorCode}` : ''
  return `HTTP ${error.response.status}${code}`
}
