import type { IncomingHttpHeaders } from 'node:http'

import type { MlflowError } from './mlflow-error.js'
import { formatError, formatMessage } from './python-json.js'

/** One request as the fake's routes see it. */
export interface FakeRequest {
  readonly method: string
  /** The path below the static prefix, still percent-encoded. */
  readonly path: string
  readonly query: URLSearchParams
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/** One response before it is written to the socket. */
export interface FakeResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | Buffer
}

/** Flask's content type for plain string responses. */
export const FLASK_TEXT = 'text/html; charset=utf-8'

/** Builds a 200 protobuf response in MLflow's JSON layout. */
export function messageResponse(message: object): FakeResponse {
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: formatMessage(message)
  }
}

/** Builds MLflow's JSON error response with the error code's status. */
export function errorResponse(error: MlflowError): FakeResponse {
  return {
    status: error.status,
    headers: { 'content-type': 'application/json' },
    body: formatError(error.toFields())
  }
}

/**
 * MLflow's error as FastAPI sends it from the native artifact routes:
 * the same fields, compact JSON.
 */
export function compactErrorResponse(error: MlflowError): FakeResponse {
  return jsonText(error.status, JSON.stringify(error.toFields()))
}

/** Builds a response with a JSON text body. */
export function jsonText(status: number, body: string): FakeResponse {
  return { status, headers: { 'content-type': 'application/json' }, body }
}

/** Builds a plain string response with an explicit content type. */
export function textResponse(
  status: number,
  body: string,
  contentType: string = FLASK_TEXT
): FakeResponse {
  return { status, headers: { 'content-type': contentType }, body }
}

const FLASK_PAGES: Readonly<Record<number, [string, string]>> = {
  404: [
    'Not Found',
    'The requested URL was not found on the server. If you entered the URL ' +
      'manually please check your spelling and try again.'
  ],
  405: [
    'Method Not Allowed',
    'The method is not allowed for the requested URL.'
  ]
}

/** Builds Werkzeug's HTML error page, as Flask sends it for unknown routes. */
export function flaskErrorPage(
  status: 404 | 405,
  headers: Readonly<Record<string, string>> = {}
): FakeResponse {
  const [title, text] = FLASK_PAGES[status] ?? ['Error', '']
  const body =
    '<!doctype html>\n<html lang=en>\n' +
    `<title>${status} ${title}</title>\n<h1>${title}</h1>\n<p>${text}</p>\n`
  return { status, headers: { 'content-type': FLASK_TEXT, ...headers }, body }
}
