import { EnvHttpProxyAgent, type Dispatcher } from './undici.js'

import type { TlsSettings } from '../config/tls.js'
import type { ProxySettings } from './proxy.js'
import { verifyingPoolFactory } from './tls.js'

/** Connection settings shared by every request the action makes. */
export interface DispatcherOptions {
  readonly connectTimeoutMs: number
  readonly tls?: TlsSettings
  /** The proxy variables; without them, undici reads `process.env`. */
  readonly proxy?: ProxySettings
}

/**
 * Maximum number of connections to one origin: the number of requests the
 * action sends at once (the files of an upload). undici sends a request
 * on the first idle connection, so with more connections than requests,
 * the requests gather on the oldest connections. Those may all belong to
 * one worker of a multi-process server (MLflow's `--workers`), which then
 * does all the work. Against 2 workers, 2,000 files of 4 KiB took 3.0 to
 * 7.6 s (median 4.5 s) with 16 connections and 3.2 to 4.8 s (median
 * 3.3 s) with 8.
 */
export const MAX_CONNECTIONS = 8

/**
 * Creates the one connection pool the action uses, so that every request
 * reuses keep-alive connections. It serves the tracking server only (the
 * REST API and the artifact proxy), so the CA, the client certificate and
 * the insecure switch apply there and nowhere else in the process:
 * nothing here sets a global dispatcher or NODE_TLS_REJECT_UNAUTHORIZED.
 * `HTTP_PROXY`, `HTTPS_PROXY` and `NO_PROXY` are honoured through undici's
 * environment proxy agent. Through a proxy, the TLS settings apply to the
 * connection to the server inside the tunnel (`requestTls`), not to the
 * connection to the proxy.
 */
export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const tls = tlsOptions(options.tls)
  return new EnvHttpProxyAgent({
    ...proxyOptions(options.proxy),
    connect: { timeout: options.connectTimeoutMs, ...tls },
    connectTimeout: options.connectTimeoutMs,
    requestTls: tls,
    factory: verifyingPoolFactory(
      !(options.tls?.insecure ?? false),
      MAX_CONNECTIONS
    ),
    keepAliveTimeout: 10_000
  })
}

/**
 * Returns the options of Node's `tls.connect` for the tracking server.
 * Node's own rejection stays off because {@link verifyingPoolFactory}
 * applies the same verdict itself, unless `insecure-tls` is on.
 */
function tlsOptions(tls: TlsSettings | undefined): {
  rejectUnauthorized: boolean
  ca?: string
  cert?: string
  key?: string
  passphrase?: string
} {
  const client = tls?.clientCertificate
  return {
    rejectUnauthorized: false,
    ...(tls?.ca ? { ca: tls.ca } : {}),
    ...(client
      ? {
          cert: client.cert,
          key: client.key,
          ...(client.passphrase === undefined
            ? {}
            : { passphrase: client.passphrase })
        }
      : {})
  }
}

function proxyOptions(proxy: ProxySettings | undefined): {
  httpProxy?: string
  httpsProxy?: string
  noProxy?: string
} {
  if (!proxy) return {}
  // With an empty string undici uses no proxy instead of falling back to
  // process.env, so the proxy follows the host's environment exactly.
  return {
    httpProxy: proxy.httpProxy?.url.href ?? '',
    httpsProxy: proxy.httpsProxy?.url.href ?? '',
    noProxy: proxy.noProxy
  }
}
