import type { Route } from './state.js'

/** A route that matched a request, with its path parameters. */
export interface RouteMatch {
  readonly route: Route
  readonly params: Readonly<Record<string, string>>
}

/** A route lookup result: a route, a path of other methods, or none. */
export type Resolution =
  | { readonly kind: 'route'; readonly match: RouteMatch }
  | { readonly kind: 'wrong-method'; readonly allow: string }
  | { readonly kind: 'none' }

/**
 * Finds the route for a method and path. MLflow serves every REST route
 * under `/ajax-api/` too, so that prefix is read as `/api/`.
 */
export function resolveRoute(
  routes: readonly Route[],
  method: string,
  path: string
): Resolution {
  const apiPath = path.replace(/^\/ajax-api\//, '/api/')
  const candidates = routes.flatMap(route => {
    const params = matchPath(route.path, apiPath)
    return params ? [{ route, params }] : []
  })
  const routeMethod = method === 'HEAD' ? 'GET' : method
  const match = candidates.find(
    candidate => candidate.route.method === routeMethod
  )
  if (match) return { kind: 'route', match }
  if (candidates.length === 0) return { kind: 'none' }
  return { kind: 'wrong-method', allow: allowHeader(candidates) }
}

function allowHeader(candidates: readonly RouteMatch[]): string {
  const methods = new Set(['OPTIONS'])
  for (const { route } of candidates) {
    methods.add(route.method)
    if (route.method === 'GET') methods.add('HEAD')
  }
  return [...methods].sort().join(', ')
}

function matchPath(
  pattern: string,
  path: string
): Record<string, string> | undefined {
  const expected = pattern.split('/')
  const actual = path.split('/')
  const params: Record<string, string> = {}
  for (const [index, part] of expected.entries()) {
    if (part.startsWith('*')) {
      const rest = actual.slice(index).join('/')
      if (rest === '') return undefined
      params[part.slice(1)] = rest
      return params
    }
    const segment = actual[index]
    if (segment === undefined) return undefined
    if (part.startsWith(':')) {
      if (segment === '') return undefined
      params[part.slice(1)] = segment
    } else if (part !== segment) {
      return undefined
    }
  }
  return expected.length === actual.length ? params : undefined
}
