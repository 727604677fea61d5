import type { IncomingHttpHeaders } from 'node:http'

/** One request as the fake received it, for tests to assert on. */
export interface CapturedRequest {
  readonly method: string
  /** The path as received, static prefix included, percent-encoded. */
  readonly path: string
  /** Query parameters; a repeated key keeps every value. */
  readonly query: Readonly<Record<string, string | readonly string[]>>
  /** Headers with lower-case names, `authorization` included. */
  readonly headers: Readonly<Record<string, string>>
  readonly bodySize: number
}

/** A selection of captured requests, for `matching`. */
export interface RequestFilter {
  readonly method?: string
  /** An exact path, a path suffix, or a RegExp, as for fault rules. */
  readonly path?: string | RegExp
}

/** The requests a fake has received, oldest first. */
export class RequestLog {
  private captured: CapturedRequest[] = []

  /** Every captured request. */
  get entries(): readonly CapturedRequest[] {
    return this.captured
  }

  /** Records one request. */
  record(
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
    bodySize: number
  ): CapturedRequest {
    const query: Record<string, string | string[]> = {}
    for (const key of new Set(url.searchParams.keys())) {
      const values = url.searchParams.getAll(key)
      query[key] = values.length === 1 ? (values[0] ?? '') : values
    }
    const flat: Record<string, string> = {}
    for (const [name, value] of Object.entries(headers)) {
      if (value !== undefined) {
        flat[name] = Array.isArray(value) ? value.join(', ') : value
      }
    }
    const entry = { method, path: url.pathname, query, headers: flat, bodySize }
    this.captured.push(entry)
    return entry
  }

  /** The requests with a method and path. */
  matching(filter: RequestFilter): CapturedRequest[] {
    return this.captured.filter(entry => {
      if (filter.method && entry.method !== filter.method.toUpperCase()) {
        return false
      }
      const { path } = filter
      if (path === undefined) return true
      if (path instanceof RegExp) return path.test(entry.path)
      return path.startsWith('/')
        ? entry.path === path
        : entry.path.endsWith(`/${path}`)
    })
  }

  /** Forgets every captured request. */
  clear(): void {
    this.captured = []
  }
}
