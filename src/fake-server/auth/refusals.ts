import type { FakeResponse } from '../exchange.js'
import { FLASK_TEXT } from '../exchange.js'
import type { Engine } from '../state.js'

/**
 * The body shape of auth refusals. `mlflow` is the basic-auth app's plain
 * string. `message` and `error` are JSON bodies that API gateways and auth
 * proxies in front of MLflow send instead.
 */
export type RefusalShape = 'mlflow' | 'message' | 'error'

/** The basic-auth app's 401 text in MLflow 3.17.2. */
export const UNAUTHENTICATED_TEXT =
  'You are not authenticated. Please see ' +
  'https://www.mlflow.org/docs/latest/auth/index.html' +
  '#authenticating-to-mlflow on how to authenticate.'

/** The basic-auth app's 403 text. */
export const PERMISSION_DENIED_TEXT = 'Permission denied'

/** The challenge MLflow's basic-auth app sends with every 401. */
export const BASIC_CHALLENGE = 'Basic realm="mlflow"'

/** Builds the 401 for a request without valid credentials. */
export function unauthenticated(
  shape: RefusalShape,
  engine: Engine
): FakeResponse {
  const response = refusal(401, 'UNAUTHENTICATED', UNAUTHENTICATED_TEXT, {
    shape,
    engine
  })
  return {
    ...response,
    headers: { ...response.headers, 'www-authenticate': BASIC_CHALLENGE }
  }
}

/** Builds the 403 for an authenticated user without the permission. */
export function permissionDenied(
  shape: RefusalShape,
  engine: Engine
): FakeResponse {
  return refusal(403, 'PERMISSION_DENIED', PERMISSION_DENIED_TEXT, {
    shape,
    engine
  })
}

function refusal(
  status: number,
  code: string,
  text: string,
  how: { shape: RefusalShape; engine: Engine }
): FakeResponse {
  if (how.shape === 'message') {
    return jsonRefusal(status, { message: text })
  }
  if (how.shape === 'error') {
    return jsonRefusal(status, { error: { code, message: text } })
  }
  // Flask labels plain strings as HTML; the FastAPI routes send text/plain.
  const contentType =
    how.engine === 'flask' ? FLASK_TEXT : 'text/plain; charset=utf-8'
  return { status, headers: { 'content-type': contentType }, body: text }
}

function jsonRefusal(status: number, body: object): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  }
}
