import type { AuthProvider } from '../auth/provider.js'
import { NoAuth } from '../auth/none.js'
import type { ExtraHeader } from '../config/extra-headers.js'
import { HttpClient } from '../http/transport.js'
import type { WriterContext } from './storage-writer.js'

/**
 * Makes the HTTP client of one storage location. It reuses the
 * registry client's dispatcher (proxy and TLS settings), timeouts,
 * retries and user agent, but sends its own credentials, so the
 * workspace token never reaches the storage service.
 */
export function storageClient(
  context: WriterContext,
  baseUrl: URL,
  auth: AuthProvider = new NoAuth(),
  extraHeaders: readonly ExtraHeader[] = []
): HttpClient {
  const { dispatcher, timeoutMs, retry, userAgent } = context.http.options
  return new HttpClient({
    dispatcher,
    timeoutMs,
    retry,
    userAgent,
    log: context.log,
    baseUrl,
    auth,
    extraHeaders
  })
}
