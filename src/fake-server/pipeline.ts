import type { IncomingHttpHeaders } from 'node:http'

import { unrestrictedAccess, userAccess, type Access } from './auth/access.js'
import { authenticate, isUnprotectedPath } from './auth/authenticate.js'
import {
  checkHokusaiGateway,
  type HokusaiGatewayOptions
} from './auth/hokusai-gateway.js'
import {
  permissionDenied,
  unauthenticated,
  type RefusalShape
} from './auth/refusals.js'
import type { RequestLog } from './capture.js'
import { handleControl } from './control.js'
import {
  errorResponse,
  flaskErrorPage,
  type FakeRequest,
  type FakeResponse
} from './exchange.js'
import { cannedToResponse } from './faults/canned.js'
import type { Faults } from './faults/faults.js'
import {
  isAllowedHost,
  REJECTED_HOST_RESPONSE,
  skipsHostCheck
} from './faults/host-check.js'
import { MlflowError } from './mlflow-error.js'
import { resolveRoute } from './router.js'
import type { FakeSettings, FakeState, Route, RouteContext } from './state.js'

/** The server's action for a request: a response, or a dropped connection. */
export type Outcome = FakeResponse | 'drop'

/** Everything the request pipeline works with. */
export interface Pipeline {
  readonly routes: readonly Route[]
  readonly state: FakeState
  readonly settings: FakeSettings
  readonly faults: Faults
  readonly requests: RequestLog
  readonly refusalShape: RefusalShape
  readonly controlPrefix: string
  readonly sleep: (ms: number) => Promise<void>
  readonly clearData: () => Promise<void>
  readonly log: (message: string) => void
  readonly hokusaiGateway?: HokusaiGatewayOptions
}

/** One received request, before routing. */
export interface Incoming {
  readonly method: string
  readonly url: URL
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/**
 * Handles one request. Proxy-like faults act first (rate limit, body
 * limits, fault rules), then MLflow's own layers in its order: the host
 * check, the static prefix, authentication, routing, authorization and
 * the handler. Rules with `afterCommit` act once the handler has run.
 */
export async function processRequest(
  pipeline: Pipeline,
  incoming: Incoming
): Promise<Outcome> {
  const { method, url, headers, body } = incoming
  const control = controlPath(pipeline.controlPrefix, url.pathname)
  if (control !== undefined) {
    return handleControl(pipeline, method, control, body)
  }
  pipeline.requests.record(method, url, headers, body.length)
  const { faults } = pipeline
  const early =
    faults.checkRateLimit() ??
    faults.checkBodyLimits(method, headers, body.length)
  if (early) return early

  const path = stripPrefix(pipeline.settings.staticPrefix, url.pathname)
  const decision = faults.decide(method, path ?? url.pathname)
  if (decision.delayMs > 0) await pipeline.sleep(decision.delayMs)
  if (decision.before.kind === 'drop') return 'drop'
  if (decision.before.kind === 'respond') {
    return cannedToResponse(decision.before.response)
  }

  const gateway = pipeline.hokusaiGateway
  const refusal =
    gateway && checkHokusaiGateway(gateway, method, url.pathname, headers)
  if (refusal) return refusal

  const response = await serveMlflow(pipeline, incoming, path)
  const after = decision.afterCommit
  if (after === undefined) return response
  return after === 'drop' ? 'drop' : cannedToResponse(after)
}

function controlPath(prefix: string, path: string): string | undefined {
  if (prefix === '' || !path.startsWith(`${prefix}/`)) return undefined
  return path.slice(prefix.length)
}

function stripPrefix(prefix: string, path: string): string | undefined {
  if (prefix === '') return path
  if (path === prefix) return '/'
  return path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : undefined
}

async function serveMlflow(
  pipeline: Pipeline,
  incoming: Incoming,
  path: string | undefined
): Promise<FakeResponse> {
  const { method, url, headers, body } = incoming
  if (!skipsHostCheck(url.pathname)) {
    if (!isAllowedHost(pipeline.faults.allowedHosts, headers.host)) {
      return REJECTED_HOST_RESPONSE
    }
  }
  if (path === undefined) return flaskErrorPage(404)
  const request: FakeRequest = {
    method,
    path,
    query: url.searchParams,
    headers,
    body
  }
  const resolution = resolveRoute(pipeline.routes, method, path)
  const route = resolution.kind === 'route' ? resolution.match.route : undefined

  const access = identify(pipeline, request, route)
  if ('status' in access) return access
  if (resolution.kind !== 'route' && failsClosed(pipeline.settings, access)) {
    return permissionDenied(pipeline.refusalShape, 'flask')
  }
  if (resolution.kind === 'none') return flaskErrorPage(404)
  if (resolution.kind === 'wrong-method') {
    return flaskErrorPage(405, { allow: resolution.allow })
  }
  const context: RouteContext = {
    request,
    params: resolution.match.params,
    state: pipeline.state,
    settings: pipeline.settings,
    access
  }
  return runRoute(pipeline, resolution.match.route, context)
}

/**
 * MLflow 3.17.2's basic-auth app fails closed by default
 * (`MLFLOW_BASIC_AUTH_FAIL_CLOSED`): a non-admin gets 403, not 404 or
 * 405, for a path or method no route serves.
 */
function failsClosed(settings: FakeSettings, access: Access): boolean {
  return (
    settings.authEnabled && settings.mlflowMajor === 3 && !access.unrestricted
  )
}

/** Authenticates the request, or returns the basic-auth app's 401. */
function identify(
  pipeline: Pipeline,
  request: FakeRequest,
  route: Route | undefined
): Access | FakeResponse {
  const { settings, state } = pipeline
  if (!settings.authEnabled || isUnprotectedPath(request.path)) {
    return unrestrictedAccess()
  }
  const user = authenticate(request.headers, state.users)
  if (!user) {
    return unauthenticated(pipeline.refusalShape, route?.engine ?? 'flask')
  }
  return userAccess(user, state.users)
}

async function runRoute(
  pipeline: Pipeline,
  route: Route,
  context: RouteContext
): Promise<FakeResponse> {
  try {
    if (!context.access.unrestricted && route.authorize) {
      if (!route.authorize(context)) {
        return permissionDenied(pipeline.refusalShape, route.engine ?? 'flask')
      }
    }
    return await route.handle(context)
  } catch (error) {
    if (error instanceof MlflowError) return errorResponse(error)
    const message = error instanceof Error ? error.message : String(error)
    const { method, path } = context.request
    pipeline.log(`fake MLflow server: ${method} ${path} failed: ${message}`)
    return errorResponse(new MlflowError('INTERNAL_ERROR', message))
  }
}
