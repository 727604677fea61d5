import { textResponse, type FakeResponse } from '../exchange.js'

/**
 * MLflow's default `--allowed-hosts` (3.5 and later): loopback names with
 * or without a port, and the private IPv4 and IPv6 ranges.
 */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = [
  'localhost',
  '127.0.0.1',
  '[::1]',
  '0.0.0.0',
  'localhost:*',
  '127.0.0.1:*',
  '[[]::1]:*',
  '0.0.0.0:*',
  '192.168.*',
  '10.*',
  ...Array.from({ length: 16 }, (_, i) => `172.${16 + i}.*`),
  'fc00:*',
  'fd00:*'
]

/** The 403 MLflow sends for a `Host` header it does not allow. */
export const REJECTED_HOST_RESPONSE: FakeResponse = textResponse(
  403,
  'Invalid Host header - possible DNS rebinding attack detected',
  'text/plain'
)

/**
 * Checks whether MLflow would accept a `Host` header. The whole header,
 * port included, must match exactly or by an fnmatch glob, and `*`
 * allows any host.
 */
export function isAllowedHost(
  allowed: readonly string[],
  host: string | undefined
): boolean {
  if (!host) return false
  if (allowed.includes('*')) return true
  return allowed.some(pattern =>
    pattern.includes('*') ? globToRegExp(pattern).test(host) : pattern === host
  )
}

/** Checks whether a path skips the host check: `/health` or `/version`. */
export function skipsHostCheck(path: string): boolean {
  return path === '/health' || path === '/version'
}

/** Converts an fnmatch pattern (`*`, `?`, `[...]`, `[!...]`) to a RegExp. */
function globToRegExp(pattern: string): RegExp {
  let source = ''
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] ?? ''
    if (char === '*') source += '.*'
    else if (char === '?') source += '.'
    else if (char === '[') {
      const end = pattern.indexOf(']', i + 2)
      if (end < 0) {
        source += '\\['
        continue
      }
      let set = pattern.slice(i + 1, end)
      if (set.startsWith('!')) set = `^${set.slice(1)}`
      source += `[${set.replace(/\\/g, '\\\\')}]`
      i = end
    } else source += char.replace(/[.+^${}()|\\/]/g, '\\$&')
  }
  return new RegExp(`^${source}$`, 's')
}
