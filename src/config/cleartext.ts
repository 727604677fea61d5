import { configError } from '../diagnosis/diagnosis.js'
import { isLoopbackHost } from '../http/url.js'
import type { AuthSettings } from './config.js'
import type { ExtraHeader } from './extra-headers.js'

/**
 * Rejects credentials bound for a tracking server over plain `http` on a
 * host other than loopback, where anyone on the path could read them,
 * unless `allow-insecure-http` is set. It runs while the configuration is
 * parsed, so the check precedes every connection.
 */
export function checkCleartextCredentials(
  url: URL,
  auth: AuthSettings,
  extraHeaders: readonly ExtraHeader[],
  allowInsecureHttp: boolean
): void {
  if (url.protocol !== 'http:' || isLoopbackHost(url.hostname)) return
  if (allowInsecureHttp || !sendsCredentials(auth, extraHeaders)) return
  throw configError(
    'input `tracking-uri`',
    `${url.origin} is plain http on a host that is not loopback, so the ` +
      'credentials would cross the network unencrypted',
    'Use the https:// URL of the server, or set `allow-insecure-http: ' +
      'true` if the network between the runner and the server is trusted.'
  )
}

function sendsCredentials(
  auth: AuthSettings,
  extraHeaders: readonly ExtraHeader[]
): boolean {
  if (extraHeaders.length > 0) return true
  if (auth.mode === 'none') return false
  if (auth.mode !== 'auto') return true
  return (
    auth.username !== undefined ||
    auth.password !== undefined ||
    auth.token !== undefined ||
    auth.hokusaiKey !== undefined ||
    auth.oauth !== undefined ||
    auth.oidc !== undefined
  )
}
