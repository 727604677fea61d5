import { EnvHttpProxyAgent, type Dispatcher } from 'undici'

/** Connection settings shared by every request the action makes. */
export interface DispatcherOptions {
  readonly connectTimeoutMs: number
}

/**
 * Creates the one connection pool the action uses, so that every request
 * reuses keep-alive connections. `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY`
 * are honoured through undici's environment proxy agent.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  return new EnvHttpProxyAgent({
    connect: { timeout: options.connectTimeoutMs },
    keepAliveTimeout: 10_000,
    connections: 16
  })
}
