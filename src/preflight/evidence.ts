import type { Evidence } from '../diagnosis/diagnosis.js'
import type { ConnectionError, HttpError } from '../http/errors.js'
import { describeResponder, identifyResponder } from './responder.js'

/** Collects the evidence of an HTTP failure for the diagnosis. */
export function httpEvidence(error: HttpError): Evidence {
  const { request, response } = error
  const entries: [keyof Evidence, string | number | undefined][] = [
    ['request', `${request.method} ${request.url}`],
    ['status', response.status],
    ['contentType', response.contentType],
    ['responder', describeResponder(identifyResponder(response), response)],
    ['mlflowErrorCode', response.errorBody?.errorCode],
    ['wwwAuthenticate', response.wwwAuthenticate],
    ['server', response.server],
    ['via', response.via],
    ['location', response.location && stripQuery(response.location)],
    ['pageTitle', response.pageTitle],
    ['body', response.body === '' ? undefined : response.body]
  ]
  return Object.fromEntries(
    entries.filter(([, value]) => value !== undefined && value !== '')
  )
}

/** Collects the evidence of a request that got no HTTP answer. */
export function connectionEvidence(error: ConnectionError): Evidence {
  const cause = error.cause instanceof Error ? error.cause.message : ''
  return {
    request: `${error.request.method} ${error.request.url}`,
    networkError: cause ? `${error.code}: ${cause}` : error.code
  }
}

/** Removes the query from a redirect target, which may carry state. */
export function stripQuery(location: string): string {
  return location.replace(/[?#].*$/, '')
}
