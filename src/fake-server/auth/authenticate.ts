import type { IncomingHttpHeaders } from 'node:http'

import type { FakeUser, UserDirectory } from './users.js'

/**
 * Finds the user behind an `Authorization` header: Basic credentials as
 * MLflow's basic-auth app checks them, or a Bearer token the fake maps to
 * a user (real basic-auth servers reject Bearer unless a custom
 * `authorization_function` accepts it).
 */
export function authenticate(
  headers: IncomingHttpHeaders,
  users: UserDirectory
): FakeUser | undefined {
  const header = headers.authorization ?? ''
  const [scheme = '', credentials = ''] = header.trim().split(/\s+/, 2)
  if (scheme.toLowerCase() === 'basic') {
    const decoded = Buffer.from(credentials, 'base64').toString('utf8')
    const colon = decoded.indexOf(':')
    if (colon < 0) return undefined
    return users.authenticate(decoded.slice(0, colon), decoded.slice(colon + 1))
  }
  if (scheme.toLowerCase() === 'bearer') {
    return users.authenticateToken(credentials)
  }
  return undefined
}

/**
 * Paths MLflow's basic-auth app serves without login, below the static
 * prefix: static files, the favicon, `/health` and server-info.
 * `/version` needs login.
 */
export function isUnprotectedPath(path: string): boolean {
  return (
    path.startsWith('/static') ||
    path.startsWith('/favicon.ico') ||
    path.startsWith('/health') ||
    /^\/(ajax-)?api\/3\.0\/mlflow\/server-info$/.test(path)
  )
}
