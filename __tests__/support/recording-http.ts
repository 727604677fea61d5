/**
 * Runs the registration step in-process with an HTTP client that records
 * every request it sends, and can act between requests, for tests that
 * compare requests or stage a race against the real MLflow server.
 */
import { resolveAuth } from '../../src/auth/resolve-auth.js'
import { loadConfig } from '../../src/config/load-config.js'
import { isOffline } from '../../src/config/offline-settings.js'
import { createDispatcher } from '../../src/http/dispatcher.js'
import { defaultRetryPolicy } from '../../src/http/retry.js'
import {
  HttpClient,
  type ApiRequest,
  type ApiResponse,
  type HttpClientOptions
} from '../../src/http/transport.js'
import { readProvenance } from '../../src/register/provenance.js'
import {
  registerModel,
  type Registration,
  type RegistrationContext
} from '../../src/register/register.js'
import { RecordingHost } from './recording-host.js'
import { githubEnv } from './registration.js'

/**
 * An HTTP client that keeps each request it sent, in order, including
 * those that got an error such as a 404.
 */
export class RecordingHttpClient extends HttpClient {
  readonly requests: ApiRequest[] = []
  /**
   * The operations as they were sent and as they ended, with a response
   * or an error, in order: `sent get run`, then `ended get run`.
   */
  readonly timeline: string[] = []
  /** Runs after each response, before the caller sees it. */
  afterResponse: ((request: ApiRequest) => Promise<void>) | undefined

  /** The client whose log a derived client's requests go to. */
  readonly #root: RecordingHttpClient

  constructor(options: HttpClientOptions, root?: RecordingHttpClient) {
    super(options)
    this.#root = root ?? this
  }

  override async send(request: ApiRequest): Promise<ApiResponse> {
    const root = this.#root
    root.requests.push(request)
    root.timeline.push(`sent ${request.operation}`)
    let response: ApiResponse
    try {
      response = await super.send(request)
    } finally {
      root.timeline.push(`ended ${request.operation}`)
    }
    await root.afterResponse?.(request)
    return response
  }

  protected override derive(options: HttpClientOptions): HttpClient {
    return new RecordingHttpClient(options, this.#root)
  }
}

/** One registration composed by hand around a recording client. */
export interface RecordedRegistration {
  readonly host: RecordingHost
  readonly http: RecordingHttpClient
  readonly register: () => Promise<Registration>
  /** What the registration filled in as it went, such as the comparison. */
  readonly progress: RegistrationContext['progress']
  readonly close: () => Promise<void>
}

/** Builds the registration step for these inputs, not yet started. */
export function composeRegistration(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv = githubEnv()
): RecordedRegistration {
  const host = new RecordingHost(inputs, env)
  const config = loadConfig(host)
  if (isOffline(config)) throw new Error('expected a tracking server config')
  const auth = resolveAuth(config.auth, config.origins, value => {
    host.setSecret(value)
  })
  const dispatcher = createDispatcher({ connectTimeoutMs: 10_000 })
  const http = new RecordingHttpClient({
    baseUrl: config.trackingUri,
    auth: auth.provider,
    dispatcher,
    timeoutMs: config.requestTimeoutMs,
    retry: defaultRetryPolicy(config.maxAttempts),
    log: host.log,
    userAgent: 'mlflow-register-test'
  })
  const progress: RegistrationContext['progress'] = {}
  const register = () =>
    registerModel({
      http,
      config,
      provenance: readProvenance(host.env),
      log: host.log,
      progress
    })
  return { host, http, register, progress, close: () => dispatcher.close() }
}
