import type { Evidence } from '../diagnosis/diagnosis.js'
import type {
  ConnectionError,
  HttpError,
  RequestFacts
} from '../http/errors.js'
import {
  CertificateVerificationError,
  type PeerCertificate
} from '../http/tls.js'
import {
  describeErrorResponder,
  formatResponderHeaders,
  identifyErrorResponder
} from './responder.js'

/** Collects the evidence of an HTTP failure for the diagnosis. */
export function httpEvidence(error: HttpError): Evidence {
  const { request, response } = error
  const entries: [keyof Evidence, string | number | undefined][] = [
    ['request', `${request.method} ${request.url}`],
    ['status', response.status],
    ['contentType', response.contentType],
    ['responder', describeErrorResponder(error)],
    ['earlierMlflowHeaders', earlierHeaders(error)],
    ['mlflowErrorCode', response.errorBody?.errorCode],
    ['wwwAuthenticate', response.wwwAuthenticate],
    ['server', response.server],
    ['via', response.via],
    ['location', response.location && stripQuery(response.location)],
    ['pageTitle', response.pageTitle],
    ['body', response.body === '' ? undefined : response.body],
    ...connectionEntries(request)
  ]
  return definedEntries(entries)
}

/**
 * Formats the headers of the last MLflow JSON response when this
 * response conflicts with them, for the evidence.
 */
function earlierHeaders(error: HttpError): string | undefined {
  const earlier = error.request.earlierMlflowHeaders
  if (!earlier || identifyErrorResponder(error) !== 'conflicting') {
    return undefined
  }
  return formatResponderHeaders(earlier)
}

/** Collects the evidence of a request that got no HTTP answer. */
export function connectionEvidence(error: ConnectionError): Evidence {
  const cause = error.cause instanceof Error ? error.cause.message : ''
  const peer = peerCertificate(error)
  return definedEntries([
    ['request', `${error.request.method} ${error.request.url}`],
    ['networkError', cause ? `${error.code}: ${cause}` : error.code],
    ['serverCertificate', peer && describePeer(peer)],
    ...connectionEntries(error.request)
  ])
}

function connectionEntries(
  request: RequestFacts
): [keyof Evidence, string | undefined][] {
  const client = request.connection?.clientCertificate
  return [
    ['proxy', request.connection?.proxy],
    [
      'clientCertificate',
      client && `${client.subject}, valid until ${client.validTo}`
    ]
  ]
}

function definedEntries(
  entries: readonly [keyof Evidence, string | number | undefined][]
): Evidence {
  return Object.fromEntries(
    entries.filter(([, value]) => value !== undefined && value !== '')
  )
}

/** Returns the server certificate that failed verification, if known. */
export function peerCertificate(
  error: ConnectionError
): PeerCertificate | undefined {
  let current: unknown = error.cause
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (current instanceof CertificateVerificationError) return current.peer
    current = current.cause
  }
  return undefined
}

function describePeer(peer: PeerCertificate): string {
  const names = peer.altNames.length > 0 ? peer.altNames.join(', ') : 'none'
  return (
    `subject ${peer.subject}; issuer ${peer.issuer}; names ${names}; ` +
    `valid until ${peer.validTo}`
  )
}

/** Removes the query from a redirect target, which may carry state. */
export function stripQuery(location: string): string {
  return location.replace(/[?#].*$/, '')
}
