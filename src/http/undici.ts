// The parts of undici that the action uses, each loaded from its own
// module. undici's package entry also loads fetch, WebSocket, EventSource,
// the cache stores and the mock agents, which the action never uses, and
// loading them took about 15 ms of the CLI's start-up. The undici version
// is pinned, and the tests cover every part loaded here.
import type { Dispatcher as DispatcherType } from 'undici'
import api from 'undici/lib/api/index.js'
import buildConnector from 'undici/lib/core/connect.js'
import Dispatcher from 'undici/lib/dispatcher/dispatcher.js'
import EnvHttpProxyAgent from 'undici/lib/dispatcher/env-http-proxy-agent.js'
import Pool from 'undici/lib/dispatcher/pool.js'

// undici's entry adds the request methods (`request`, `connect` and the
// rest) to every dispatcher. The proxy agent needs `connect` for tunnels.
Object.assign(Dispatcher.prototype, api)

export { buildConnector, EnvHttpProxyAgent, Pool }
export type { DispatcherType as Dispatcher }

/** Options of {@link request}: undici's request options without the URL. */
export type RequestOptions = Omit<
  DispatcherType.RequestOptions,
  'origin' | 'path' | 'method'
> & {
  readonly method?: DispatcherType.HttpMethod
  /** Dispatcher to send through. */
  readonly dispatcher: DispatcherType
}

/**
 * Sends one request to `url`, as undici's `request` function does for a
 * URL without a separate path: by default a PUT with a body, else a GET.
 */
export function request(
  url: URL,
  options: RequestOptions
): Promise<DispatcherType.ResponseData> {
  const { dispatcher, ...rest } = options
  return dispatcher.request({
    ...rest,
    origin: url.origin,
    path: `${url.pathname}${url.search}`,
    method: options.method ?? (options.body ? 'PUT' : 'GET')
  })
}
