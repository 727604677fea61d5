import type { FakeResponse } from '../exchange.js'

/** A response a fault sends in place of the server's own. */
export interface CannedResponse {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  /** Strings and Buffers are sent as they are; objects as JSON. */
  readonly body?: string | Buffer | object
}

/** Turns a canned response into one the server can write. */
export function cannedToResponse(canned: CannedResponse): FakeResponse {
  const headers: Record<string, string> = {}
  for (const [name, value] of Object.entries(canned.headers ?? {})) {
    headers[name.toLowerCase()] = value
  }
  const { body } = canned
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) {
    return { status: canned.status, headers, body: body ?? '' }
  }
  headers['content-type'] ??= 'application/json'
  return { status: canned.status, headers, body: JSON.stringify(body) }
}

/** Builds nginx's error page for a status, as sent with `server_tokens off`. */
export function nginxPage(status: number, reason: string): FakeResponse {
  const title = `${status} ${reason}`
  return {
    status,
    headers: { 'content-type': 'text/html', server: 'nginx' },
    body:
      `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n` +
      `<center><h1>${title}</h1></center>\r\n` +
      '<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n'
  }
}
