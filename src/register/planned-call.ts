import type { ApiRequest } from '../http/transport.js'
import { joinUrl } from '../http/url.js'

/**
 * One write that a registration would send, as a dry run shows it. Values
 * known only on a real run, such as the ids the server assigns, the
 * times and a random request id, are placeholders in angle brackets.
 */
export interface PlannedCall {
  readonly method: ApiRequest['method']
  /** The URL path, including the tracking URI's own path prefix. */
  readonly path: string
  /** The JSON body as it would be sent; absent for a file upload. */
  readonly body?: unknown
  /** The operation, such as `create model version`. */
  readonly operation: string
}

/** The number of the version a dry run would create. */
export const NEW_VERSION = '<new version>'

/** Turns a request into the call a dry run prints. */
export function toPlannedCall(request: ApiRequest, baseUrl: URL): PlannedCall {
  const path = decodeURIComponent(joinUrl(baseUrl, request.path).pathname)
  // A JSON round trip drops undefined fields, as the request body does.
  const body =
    request.json === undefined
      ? undefined
      : (JSON.parse(JSON.stringify(request.json)) as unknown)
  return {
    method: request.method,
    path,
    ...(body === undefined ? {} : { body }),
    operation: request.operation
  }
}

/** Formats a planned call for the log: method, path and JSON body. */
export function formatPlannedCall(call: PlannedCall): string {
  const body = call.body === undefined ? '' : ` ${JSON.stringify(call.body)}`
  return `${call.method} ${call.path}${body}`
}
