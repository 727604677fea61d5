/** Query parameters; undefined values are left out, arrays repeat a key. */
export type Query = Readonly<
  Record<string, string | number | boolean | readonly string[] | undefined>
>

/**
 * Joins an API path to the tracking URI without losing its base path.
 * `new URL('/api/...', base)` would drop a prefix such as `/mlflow`, and
 * naive concatenation can produce `//`.
 */
export function joinUrl(base: URL, path: string, query: Query = {}): URL {
  const url = new URL(base.href)
  const basePath = url.pathname.replace(/\/+$/, '')
  const relative = path.replace(/^\/+/, '')
  url.pathname = `${basePath}/${relative}`
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    const values = Array.isArray(value) ? value : [String(value)]
    for (const item of values) url.searchParams.append(key, String(item))
  }
  // URLSearchParams writes a space as `+`, which servers read either as a
  // space or as a plus, so a SigV4 signature over it is ambiguous. Spaces
  // are sent as `%20`, as the sagemaker-mlflow plugin sends them. A
  // literal `+` is already `%2B` here, so every `+` left is a space.
  url.search = url.search.replace(/\+/g, '%20')
  return url
}

/** Shows a URL without user info, query or fragment, safe for logs. */
export function describeUrl(url: URL | string): string {
  // The fast path reads an http(s) URL's parts instead of parsing a copy,
  // because a debug line describes every request of an upload.
  if (url instanceof URL && /^https?:$/.test(url.protocol)) {
    return `${url.protocol}//${url.host}${url.pathname}`
  }
  const copy = new URL(String(url))
  copy.username = ''
  copy.password = ''
  copy.search = ''
  copy.hash = ''
  return copy.href
}

/** Whether a host name is a loopback address. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '')
  return (
    host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host)
  )
}

/**
 * Percent-encodes a URL component as RFC 3986 requires: every character
 * but A-Z, a-z, 0-9, `-`, `_`, `.` and `~`. Unlike `encodeURIComponent`,
 * it also encodes `!'()*`.
 */
export function encodeComponentStrict(component: string): string {
  return encodeURIComponent(component).replace(
    /[!'()*]/g,
    char => `%${char.charCodeAt(0).toString(16).toUpperCase()}`
  )
}
