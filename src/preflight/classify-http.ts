import { diagnose, type Diagnosis } from '../diagnosis/diagnosis.js'
import { isDatabaseContention } from '../http/database-contention.js'
import type { HttpError } from '../http/errors.js'
import { classifyForbidden, classifyUnauthorized } from './classify-auth.js'
import { classifyUnknownUser } from './classify-identity.js'
import { classifyPlatformError } from './classify-platform.js'
import { proxyAuth } from './classify-proxy.js'
import { classifyClientCertPage } from './classify-tls.js'
import { formatBytes } from '../register/byte-size.js'
import { httpEvidence, stripQuery } from './evidence.js'
import {
  describeErrorResponder,
  describeErrorResponderAtStart,
  identifyErrorResponder
} from './responder.js'

const LOGIN_WORDS = /sign[ -]?in|log[ -]?in|authenticat|single sign-on|sso/i
/**
 * MLflow's error message for a registry call on a server whose registry
 * store URI has a scheme with no registry store, such as `file:` before
 * MLflow 3.
 */
const NO_REGISTRY_TEXT = /model registry functionality is unavailable/i
const SQL_TEXT =
  /sqlalchemy|psycopg|pymysql|sqlite3|data too long|value too long/i

/** Classifies a request that got an HTTP answer it could not use. */
export function classifyHttpError(error: HttpError): Diagnosis {
  const { status } = error.response
  const platform = classifyPlatformError(error)
  if (platform) return platform
  const identity = classifyUnknownUser(error)
  if (identity) return identity
  if (NO_REGISTRY_TEXT.test(error.response.errorBody?.message ?? '')) {
    return classifyMissingRegistry(error)
  }
  if (status >= 200 && status < 300) return classifyUnexpectedBody(error)
  if (status >= 300 && status < 400) return classifyRedirect(error)
  switch (status) {
    case 401:
      return classifyUnauthorized(error)
    case 403:
      return classifyForbidden(error)
    case 404:
    case 405:
      return classifyNotFound(error)
    case 407:
      return proxyAuth(error.request, httpEvidence(error))
    case 411:
      return diagnose(
        'SERVER_CONFIG',
        `${describeErrorResponderAtStart(error)} ` +
          `answered ${error.request.operation} with 411 Length Required, ` +
          'although the action sends Content-Length with every upload: ' +
          'an intermediary dropped the header or re-encoded the body.',
        'Check the proxies between the runner and MLflow: they must pass ' +
          'Content-Length on PUT requests to the artifact proxy.',
        httpEvidence(error)
      )
    case 413:
      return classifyTooLarge(error)
  }
  if (status >= 500 || status === 408 || status === 429) {
    return classifyServerError(error)
  }
  return classifyClientError(error)
}

function classifyTooLarge(error: HttpError): Diagnosis {
  const { upload, operation } = error.request
  const size = upload
    ? ` (${formatBytes(upload.bytes)}, ${upload.bytes} bytes)`
    : ''
  const body = upload?.file ? `the file ${upload.file}` : 'the body'
  const limit = upload ? ` to at least ${formatBytes(upload.bytes)}` : ''
  return diagnose(
    'PAYLOAD_TOO_LARGE',
    `${describeErrorResponderAtStart(error)} rejected ${body}${size} of ` +
      `${operation} as too large.`,
    "Raise the body limit of the proxy in front of MLflow (nginx's " +
      `client_max_body_size)${limit}, or upload large models to the ` +
      'artifact store directly, which takes multipart uploads.',
    httpEvidence(error)
  )
}

function classifyUnexpectedBody(error: HttpError): Diagnosis {
  const { response } = error
  const evidence = httpEvidence(error)
  const isLogin =
    identifyErrorResponder(error) === 'html-page' &&
    LOGIN_WORDS.test(`${response.pageTitle ?? ''} ${response.body}`)
  if (isLogin) {
    return diagnose(
      'PROXY_LOGIN',
      `${error.request.url} answered HTTP ${response.status} with an HTML ` +
        `login page${titleText(response.pageTitle)} instead of JSON: an ` +
        'access proxy intercepted the call and does not accept this ' +
        'credential for API use.',
      'Configure the proxy to accept machine credentials (a service token ' +
        'or bearer token) on API paths, and send them.',
      evidence
    )
  }
  return diagnose(
    'NOT_MLFLOW',
    `${error.request.url} answered HTTP ${response.status} with ` +
      `${describeErrorResponder(error)} instead of the JSON MLflow ` +
      `returns for ${error.request.operation}.`,
    'Check that the tracking URI points at the MLflow server and not at ' +
      'another service, a load balancer page or a login portal.',
    evidence
  )
}

function classifyRedirect(error: HttpError): Diagnosis {
  const { request, response } = error
  const evidence = httpEvidence(error)
  if (!response.location) {
    return diagnose(
      'NOT_MLFLOW',
      `${request.url} answered HTTP ${response.status} without a Location.`,
      'Check the tracking URI.',
      evidence
    )
  }
  const from = new URL(request.url)
  const to = new URL(response.location, from)
  if (
    to.protocol === 'https:' &&
    from.protocol === 'http:' &&
    to.hostname === from.hostname
  ) {
    return diagnose(
      'CLIENT_CONFIG',
      `The tracking URI uses http, but the server redirects to ${to.origin}. ` +
        'Credentials are not re-sent across a change of scheme.',
      `Set the tracking URI to start with ${to.origin}.`,
      evidence
    )
  }
  if (to.origin !== from.origin) {
    return diagnose(
      'PROXY_LOGIN',
      `${request.url} redirected to ${stripQuery(to.href)}: a login or ` +
        'access proxy in front of MLflow sent the call to another host, ' +
        'and the action does not follow it with credentials.',
      'Configure the proxy to accept bearer tokens or service tokens on ' +
        'API paths instead of redirecting them to a login page.',
      evidence
    )
  }
  return diagnose(
    'CLIENT_CONFIG',
    `${request.url} redirected to ${stripQuery(to.href)} with HTTP ` +
      `${response.status}, which would change the request method.`,
    'Set the tracking URI to the address the server redirects to.',
    evidence
  )
}

function classifyNotFound(error: HttpError): Diagnosis {
  const { request, response } = error
  if (error.errorCode === 'ENDPOINT_NOT_FOUND') {
    return diagnose(
      'UNSUPPORTED_FEATURE',
      `This MLflow server has no endpoint for ${request.operation}.`,
      'Upgrade the server, or use a feature it supports.',
      httpEvidence(error)
    )
  }
  if (error.errorCode) {
    return diagnose(
      'MLFLOW_ERROR',
      `MLflow answered ${request.operation} with ${error.errorCode}: ` +
        (response.errorBody?.message ?? ''),
      'Check the names and ids in the inputs.',
      httpEvidence(error)
    )
  }
  return diagnose(
    'BASE_PATH',
    `${request.url} answered HTTP ${response.status} with ` +
      `${describeErrorResponder(error)}: the ` +
      'MLflow API is not at this path. The credentials were not checked.',
    'Check the path of the tracking URI: a server started with ' +
      '--static-prefix, or mounted under a path by a proxy, needs that ' +
      'prefix in the URI (for example https://host/mlflow).',
    httpEvidence(error)
  )
}

function classifyServerError(error: HttpError): Diagnosis {
  const { request, response } = error
  const evidence = httpEvidence(error)
  const message = response.errorBody?.message ?? response.body
  if (isDatabaseContention(message)) {
    return diagnose(
      'SERVER_UNAVAILABLE',
      `The server's database was busy (${message.slice(0, 80)}) on ` +
        `${request.operation}, through every retry.`,
      'The database is under contention; try again later, or give the ' +
        'server a database that takes concurrent writes, such as ' +
        'PostgreSQL in place of SQLite.',
      evidence
    )
  }
  if (SQL_TEXT.test(message)) {
    // MySQL names the column ("Data too long for column 'description'");
    // PostgreSQL names only the type ("character varying(5000)").
    const column = /for column '([^']+)'/i.exec(message)?.[1]
    const field = column ? ` (column '${column}')` : ''
    return diagnose(
      'SERVER_CONFIG',
      `The server's database failed on ${request.operation}${field}; a ` +
        "column may be narrower than MLflow's own limit (a missing " +
        'migration).',
      'Run `mlflow db upgrade` on the tracking database and check the ' +
        'server log.',
      { ...evidence, body: 'database error text (see debug log)' }
    )
  }
  if (/--no-serve-artifacts|serve.artifacts/i.test(message)) {
    return diagnose(
      'SERVER_CONFIG',
      'The server does not proxy artifacts (--no-serve-artifacts), so ' +
        'a local model directory cannot be uploaded through it.',
      'Start the server with --serve-artifacts, or register a `source` ' +
        'that is already in the artifact store.',
      evidence
    )
  }
  if (response.status === 501) {
    return diagnose(
      'UNSUPPORTED_FEATURE',
      `The server does not implement ${request.operation}: ${message}`,
      'Upgrade the server or use another way to register.',
      evidence
    )
  }
  return diagnose(
    'SERVER_UNAVAILABLE',
    `${describeErrorResponderAtStart(error)} answered ` +
      `${request.operation} with HTTP ${response.status}` +
      `${error.errorCode ? ` ${error.errorCode}` : ''}.`,
    'The server is overloaded, restarting or failing; check its logs. ' +
      'The action retried within its budget.',
    evidence
  )
}

function classifyClientError(error: HttpError): Diagnosis {
  const { request, response } = error
  const evidence = httpEvidence(error)
  const clientCert = classifyClientCertPage(error)
  if (clientCert) return clientCert
  const text = `${response.pageTitle ?? ''} ${response.body}`
  if (SQL_TEXT.test(text) || isDatabaseContention(text)) {
    return classifyServerError(error)
  }
  const reason = response.errorBody?.message ?? response.body
  return diagnose(
    error.errorCode ? 'CLIENT_CONFIG' : 'MLFLOW_ERROR',
    `MLflow rejected ${request.operation}` +
      `${request.resource ? ` on ${request.resource}` : ''}: ${reason}`,
    'Correct the input the message names.',
    evidence
  )
}

function classifyMissingRegistry(error: HttpError): Diagnosis {
  return diagnose(
    'SERVER_CONFIG',
    `The tracking server at ${new URL(error.request.url).origin} is ` +
      `reachable but has no model registry: it answered ` +
      `${error.request.operation} with HTTP ${error.response.status} ` +
      "saying its registry store URI has a scheme that MLflow's registry " +
      'does not support. The credentials are not at fault.',
    'Start the server with a database-backed registry store, for example ' +
      '--backend-store-uri (or --registry-store-uri) ' +
      'sqlite:///mlflow.db or a PostgreSQL or MySQL URI.',
    httpEvidence(error)
  )
}

/**
 * Tells whether a registry read failed with a bare HTTP 500: no MLflow
 * error code and no database text that names another cause. MLflow
 * 3.17.2 returns this (Flask's HTML error page) when its registry
 * store cannot be read, while its tracking API still works. A 502, 503
 * or 504 is left out, because a gateway returns those for an upstream
 * that is slow or restarting, which clears up.
 */
export function isBareServerError(error: HttpError): boolean {
  const { response } = error
  if (response.status !== 500 || error.errorCode) return false
  const text = `${response.errorBody?.message ?? ''} ${response.body}`
  return !isDatabaseContention(text) && !SQL_TEXT.test(text)
}

/**
 * Diagnoses a registry read that failed with a bare HTTP 500, both
 * before and after a tracking call to the same server succeeded: the
 * server runs, but its model registry does not.
 */
export function classifyBrokenRegistry(
  error: HttpError,
  trackingOperation: string
): Diagnosis {
  const { request, response } = error
  return diagnose(
    'SERVER_CONFIG',
    `The tracking server at ${new URL(request.url).origin} is reachable ` +
      `and answered ${trackingOperation}, but its model registry failed: ` +
      `${describeErrorResponder(error)} answered ${request.operation} ` +
      `with HTTP ${response.status} through every retry, and again on one more ` +
      `read after ${trackingOperation} succeeded. The server has no ` +
      'working model registry, so waiting or re-running will not help. ' +
      'The credentials are not at fault.',
    "Check the server's log for the registry store error. The registry " +
      'needs a database-backed store that the server can open and that ' +
      'is migrated (--registry-store-uri, else --backend-store-uri, with ' +
      'a SQLite, PostgreSQL or MySQL URI; then `mlflow db upgrade`).',
    httpEvidence(error)
  )
}

function titleText(title: string | undefined): string {
  return title ? ` titled "${title}"` : ''
}
