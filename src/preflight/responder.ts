import type {
  ResponderHeaders,
  HttpError,
  ResponseFacts
} from '../http/errors.js'

/** Who answered a request, as far as the response shows. */
export type Responder =
  /** MLflow itself: a JSON body with `error_code`. */
  | 'mlflow'
  /** MLflow's basic-auth app: its fixed plain-text bodies. */
  | 'mlflow-auth'
  /**
   * An MLflow auth plugin (the OIDC one) refusing permission: JSON
   * `{"message": "Permission denied"}` with no `error_code`.
   */
  | 'mlflow-auth-plugin'
  /** MLflow's host-header check (MLflow 3.5 and later). */
  | 'mlflow-host-check'
  /** MLflow's cross-origin check (MLflow 3.5 and later). */
  | 'mlflow-cors'
  /**
   * A distribution of MLflow or an auth plugin that nests MLflow's error:
   * `{"error": {"code": "PERMISSION_DENIED", "message": ...}}`.
   */
  | 'mlflow-nested'
  /**
   * One of MLflow's shapes, but with a `Server` or `Via` header that the
   * last MLflow JSON response from the same server did not carry.
   */
  | 'conflicting'
  /** An auth plugin or gateway: JSON, but not MLflow's error shape. */
  | 'json-gateway'
  /** An HTML page: a login page, an error page of a proxy. */
  | 'html-page'
  /** Plain text or an empty body that matches none of MLflow's texts. */
  | 'unknown'

/** The fixed texts of MLflow's own non-JSON answers, MLflow 3.17. */
const MLFLOW_TEXTS = {
  notAuthenticated: 'You are not authenticated.',
  permissionDenied: 'Permission denied',
  invalidHost: 'Invalid Host header - possible DNS rebinding attack detected',
  crossOrigin: 'Cross-origin request blocked'
} as const

/** An MLflow error code, such as `PERMISSION_DENIED`. */
const MLFLOW_ERROR_CODE = /^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/

/**
 * Works out who answered from the body first and the headers second:
 * MLflow's auth app answers in plain text labelled `text/html`, so the
 * content type alone cannot tell MLflow from a proxy. A response in one
 * of MLflow's shapes is `conflicting` when it carries a `Server` or
 * `Via` header that `earlier` lacks. `earlier` contains the headers of
 * the last MLflow JSON response from the same server.
 */
export function identifyResponder(
  response: ResponseFacts,
  earlier?: ResponderHeaders
): Responder {
  const claimed = claimedResponder(response)
  if (
    isMlflowResponder(claimed) &&
    earlier !== undefined &&
    foreignHeaders(response, earlier).length > 0
  ) {
    return 'conflicting'
  }
  return claimed
}

/** Identifies who sent a failed request's response, with earlier ones. */
export function identifyErrorResponder(error: HttpError): Responder {
  return identifyResponder(error.response, error.request.earlierMlflowHeaders)
}

/** Describes who sent a failed request's response, with its headers. */
export function describeErrorResponder(error: HttpError): string {
  return describeResponder(
    identifyErrorResponder(error),
    error.response,
    error.request.earlierMlflowHeaders
  )
}

/**
 * Describes who sent a failed request's response, capitalised to start
 * a sentence: "An HTML page ...", "MLflow's basic-auth app".
 */
export function describeErrorResponderAtStart(error: HttpError): string {
  const phrase = describeErrorResponder(error)
  return phrase.charAt(0).toUpperCase() + phrase.slice(1)
}

/**
 * Identifies the responder from the body and the challenge alone,
 * without comparing headers with earlier responses.
 */
export function claimedResponder(response: ResponseFacts): Responder {
  const body = response.body.trim()
  const { errorBody } = response
  if (errorBody?.shape === 'mlflow') return 'mlflow'
  if (body === MLFLOW_TEXTS.invalidHost) return 'mlflow-host-check'
  if (body === MLFLOW_TEXTS.crossOrigin) return 'mlflow-cors'
  if (
    body === MLFLOW_TEXTS.permissionDenied ||
    body.startsWith(MLFLOW_TEXTS.notAuthenticated) ||
    /^basic realm="mlflow"/i.test(response.wwwAuthenticate ?? '')
  ) {
    return 'mlflow-auth'
  }
  if (
    errorBody?.shape === 'message' &&
    errorBody.message.trim() === MLFLOW_TEXTS.permissionDenied
  ) {
    return 'mlflow-auth-plugin'
  }
  if (
    errorBody?.shape === 'nested' &&
    MLFLOW_ERROR_CODE.test(errorBody.errorCode ?? '')
  ) {
    return 'mlflow-nested'
  }
  if (errorBody) return 'json-gateway'
  if (/<html|<!doctype html|<body|<title/i.test(body)) return 'html-page'
  return 'unknown'
}

/**
 * Lists the `Server` and `Via` headers of a response that the earlier
 * MLflow response did not carry with the same value, as `Name: value`.
 */
export function foreignHeaders(
  response: ResponseFacts,
  earlier: ResponderHeaders
): string[] {
  const foreign: string[] = []
  if (response.server && response.server !== earlier.server) {
    foreign.push(`Server: ${response.server}`)
  }
  if (response.via && response.via !== earlier.via) {
    foreign.push(`Via: ${response.via}`)
  }
  return foreign
}

/**
 * `Server` values of the servers MLflow runs under: uvicorn (the default
 * of `mlflow server` 3.17.2), gunicorn, waitress, and Werkzeug for
 * Flask's development server.
 */
const MLFLOW_SERVER_HEADER = /^(?:uvicorn|gunicorn|waitress|werkzeug)\b/i

/**
 * Lists the `Server` and `Via` headers that show a proxy in front of
 * MLflow, as `Name: value`: any `Via`, and a `Server` that names none of
 * the servers MLflow runs under.
 */
export function proxyHeaders(response: ResponseFacts): string[] {
  const headers: string[] = []
  if (response.server && !MLFLOW_SERVER_HEADER.test(response.server)) {
    headers.push(`Server: ${response.server}`)
  }
  if (response.via) headers.push(`Via: ${response.via}`)
  return headers
}

/**
 * Describes the responder in words, with the headers that show it. A
 * `conflicting` responder needs `earlier` to quote both signals.
 */
export function describeResponder(
  responder: Responder,
  response: ResponseFacts,
  earlier?: ResponderHeaders
): string {
  const headers = [
    response.server ? `Server: ${response.server}` : '',
    response.via ? `Via: ${response.via}` : ''
  ].filter(Boolean)
  const suffix = headers.length > 0 ? ` (${headers.join(', ')})` : ''
  switch (responder) {
    case 'mlflow':
      return 'MLflow (JSON error)'
    case 'mlflow-auth':
      return "MLflow's basic-auth app"
    case 'mlflow-auth-plugin':
      return "an MLflow auth plugin (JSON 'Permission denied')"
    case 'mlflow-host-check':
      return "MLflow's host-header check"
    case 'mlflow-cors':
      return "MLflow's cross-origin check"
    case 'mlflow-nested':
      return (
        'an MLflow distribution or auth plugin (nested JSON error ' +
        `${response.errorBody?.errorCode ?? ''})`
      )
    case 'conflicting':
      return describeConflict(response, earlier ?? {})
    case 'json-gateway':
      return (
        `a gateway or auth plugin (${describeJsonShape(response)})` + suffix
      )
    case 'html-page': {
      const title = response.pageTitle ? ` titled "${response.pageTitle}"` : ''
      return `an HTML page${title}${suffix}`
    }
    case 'unknown':
      return `${describeUnknownBody(response)}${suffix}`
  }
}

/**
 * Describes a body in none of the shapes {@link claimedResponder} recognises,
 * by its content type: JSON, plain text or another media type.
 */
function describeUnknownBody(response: ResponseFacts): string {
  if (response.body === '') return 'an empty body'
  const mediaType = (response.contentType ?? '').split(';')[0]?.trim() ?? ''
  if (/[/+]json$/i.test(mediaType) || isJson(response.body)) {
    return "JSON that is not MLflow's"
  }
  if (mediaType === '' || /^text\/plain$/i.test(mediaType)) {
    return "plain text that is not MLflow's"
  }
  return `a body of type ${mediaType} that is not MLflow's`
}

function isJson(body: string): boolean {
  try {
    JSON.parse(body)
    return /^[[{]/.test(body.trim())
  } catch {
    return false
  }
}

/** Quotes both signals of a response whose body and headers disagree. */
function describeConflict(
  response: ResponseFacts,
  earlier: ResponderHeaders
): string {
  const claimed = describeResponder(claimedResponder(response), response)
  return (
    `a response shaped like ${claimed} but with ` +
    `${foreignHeaders(response, earlier).join(', ')}, which the earlier ` +
    'MLflow JSON response of this server did not carry (it had ' +
    `${formatResponderHeaders(earlier)})`
  )
}

/** Formats headers as `Server: x, Via: y`, or states that there are none. */
export function formatResponderHeaders(headers: ResponderHeaders): string {
  const named = [
    headers.server ? `Server: ${headers.server}` : '',
    headers.via ? `Via: ${headers.via}` : ''
  ].filter(Boolean)
  return named.length > 0 ? named.join(', ') : 'no Server or Via header'
}

function describeJsonShape(response: ResponseFacts): string {
  const { errorBody } = response
  switch (errorBody?.shape) {
    case 'nested':
      return errorBody.errorCode
        ? `nested JSON error with the code ${errorBody.errorCode}`
        : 'nested JSON error without a code'
    case 'detail':
      return 'JSON "detail" without error_code'
    default:
      return 'JSON without error_code'
  }
}

/** Whether the responder is part of MLflow. */
export function isMlflowResponder(responder: Responder): boolean {
  return responder.startsWith('mlflow')
}
