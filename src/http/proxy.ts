import { configError } from '../diagnosis/diagnosis.js'

/** The outbound proxy variables, read from the environment and checked. */
export interface ProxySettings {
  /** The proxy for http:// URLs (`HTTP_PROXY`), with any credentials. */
  readonly httpProxy?: ProxyUrl
  /** The proxy for https:// URLs (`HTTPS_PROXY`), with any credentials. */
  readonly httpsProxy?: ProxyUrl
  /** `NO_PROXY` as it was set: hosts reached directly. */
  readonly noProxy: string
}

/** A proxy URL and the variable that set it. */
export interface ProxyUrl {
  readonly url: URL
  readonly variable: string
}

/** The route to the tracking server: a proxy, or direct with the reason. */
export type ProxyRoute =
  | { readonly proxy: ProxyUrl }
  | { readonly proxy?: undefined; readonly reason: string }

const PROXY_SCHEMES = ['http:', 'https:', 'socks:', 'socks5:']

/**
 * Reads `HTTPS_PROXY`, `HTTP_PROXY` and `NO_PROXY`, lower-case first as
 * undici and curl do. A proxy without a scheme (`proxy.corp:3128`) is an
 * http:// proxy, as curl reads it.
 */
export function readProxySettings(env: NodeJS.ProcessEnv): ProxySettings {
  const httpProxy = readProxyVariable(env, 'http_proxy', 'HTTP_PROXY')
  const httpsProxy = readProxyVariable(env, 'https_proxy', 'HTTPS_PROXY')
  return {
    ...(httpProxy ? { httpProxy } : {}),
    ...(httpsProxy ? { httpsProxy } : {}),
    noProxy: env.no_proxy ?? env.NO_PROXY ?? ''
  }
}

function readProxyVariable(
  env: NodeJS.ProcessEnv,
  ...names: string[]
): ProxyUrl | undefined {
  const variable = names.find(name => env[name] !== undefined)
  const value = variable ? env[variable]?.trim() : undefined
  if (!variable || !value) return undefined
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(value)
    ? value
    : `http://${value}`
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    throw proxyError(variable, 'is not a valid URL')
  }
  if (!PROXY_SCHEMES.includes(url.protocol) || url.hostname === '') {
    throw proxyError(
      variable,
      `has scheme "${url.protocol}", expected http://, https:// or socks5://`
    )
  }
  return { url, variable }
}

function proxyError(variable: string, problem: string): Error {
  return configError(
    `environment variable ${variable}`,
    `the proxy URL ${problem}`,
    `Set ${variable} to a URL such as http://proxy.example.com:3128, with ` +
      'any credentials as http://user:password@host:port.'
  )
}

/**
 * Works out whether a request to `url` goes through a proxy, by the rules
 * of undici's EnvHttpProxyAgent (undici 8.14), which sends it. `NO_PROXY`
 * contains hosts separated by commas or spaces, each optionally with a
 * port. `*` matches every host, `*.example.com` only subdomains, and
 * `example.com` or `.example.com` the host and its subdomains.
 */
export function routeFor(url: URL, settings: ProxySettings): ProxyRoute {
  const proxy =
    url.protocol === 'https:'
      ? (settings.httpsProxy ?? settings.httpProxy)
      : settings.httpProxy
  if (!proxy) {
    return {
      reason:
        url.protocol === 'https:'
          ? 'no HTTPS_PROXY or HTTP_PROXY is set'
          : 'no HTTP_PROXY is set'
    }
  }
  const entry = matchNoProxy(url, settings.noProxy)
  return entry === undefined
    ? { proxy }
    : { reason: `NO_PROXY entry "${entry}" matches ${url.hostname}` }
}

/** Returns the `NO_PROXY` entry that matches the URL's host, if any. */
function matchNoProxy(url: URL, noProxy: string): string | undefined {
  const host = url.hostname
    .replace(/^\[(.+)\]$/, '$1')
    .replace(/(.)\.$/, '$1')
    .toLowerCase()
  const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80)
  for (const entry of noProxy.split(/[,\s]/).filter(Boolean)) {
    const { hostname, entryPort, wildcard } = parseNoProxyEntry(entry)
    if (entryPort !== 0 && entryPort !== port) continue
    if (hostname === '*') return entry
    if (!wildcard && host === hostname) return entry
    if (host.endsWith(`.${hostname}`)) return entry
  }
  return undefined
}

function parseNoProxyEntry(entry: string): {
  hostname: string
  entryPort: number
  wildcard: boolean
} {
  const bracketed = /^\[(.+)\]:(\d+)$/.exec(entry)
  let hostname = entry.replace(/^\[(.+)\]$/, '$1')
  let entryPort = 0
  if (bracketed) {
    hostname = bracketed[1] ?? ''
    entryPort = Number(bracketed[2])
  } else if ((hostname.match(/:/g) ?? []).length === 1) {
    const withPort = /^(.+):(\d+)$/.exec(hostname)
    if (withPort) {
      hostname = withPort[1] ?? ''
      entryPort = Number(withPort[2])
    }
  }
  return {
    hostname: hostname
      .replace(/^\*?\./, '')
      .replace(/^(.+)\.$/, '$1')
      .toLowerCase(),
    entryPort,
    wildcard: entry.startsWith('*')
  }
}

/** Names a proxy by scheme, host and port, never its credentials. */
export function describeProxy(proxy: ProxyUrl): string {
  return `${proxy.url.protocol}//${proxy.url.host}`
}

/** Returns the password in a proxy URL, decoded, for masking. */
export function proxyPasswords(settings: ProxySettings): string[] {
  return [settings.httpProxy, settings.httpsProxy].flatMap(proxy => {
    const password = proxy?.url.password
    if (!password) return []
    try {
      return [password, decodeURIComponent(password)]
    } catch {
      return [password]
    }
  })
}
