import type { ResponseFacts } from '../http/errors.js'

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

/**
 * Works out who answered from the body first and the headers second:
 * MLflow's auth app answers in plain text labelled `text/html`, so the
 * content type alone cannot tell MLflow from a proxy.
 */
export function identifyResponder(response: ResponseFacts): Responder {
  const body = response.body.trim()
  if (response.errorBody?.shape === 'mlflow') return 'mlflow'
  if (body === MLFLOW_TEXTS.invalidHost) return 'mlflow-host-check'
  if (body === MLFLOW_TEXTS.crossOrigin) return 'mlflow-cors'
  if (
    body === MLFLOW_TEXTS.permissionDenied ||
    body.startsWith(MLFLOW_TEXTS.notAuthenticated) ||
    /^basic realm="mlflow"/i.test(response.wwwAuthenticate ?? '')
  ) {
    return 'mlflow-auth'
  }
  const { errorBody } = response
  if (
    errorBody?.shape === 'message' &&
    errorBody.message.trim() === MLFLOW_TEXTS.permissionDenied
  ) {
    return 'mlflow-auth-plugin'
  }
  if (errorBody) return 'json-gateway'
  if (/<html|<!doctype html|<body|<title/i.test(body)) return 'html-page'
  return 'unknown'
}

/** Describes the responder in words, with the headers that show it. */
export function describeResponder(
  responder: Responder,
  response: ResponseFacts
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
    case 'json-gateway':
      return `a gateway or auth plugin (JSON without error_code)${suffix}`
    case 'html-page': {
      const title = response.pageTitle ? ` titled "${response.pageTitle}"` : ''
      return `an HTML page${title}${suffix}`
    }
    case 'unknown':
      return response.body === ''
        ? `an empty body${suffix}`
        : `plain text that is not MLflow's${suffix}`
  }
}

/** Whether the responder is part of MLflow. */
export function isMlflowResponder(responder: Responder): boolean {
  return responder.startsWith('mlflow')
}
