import {
  diagnose,
  type Diagnosis,
  type Evidence
} from '../diagnosis/diagnosis.js'
import type {
  ConnectionError,
  HttpError,
  RequestFacts
} from '../http/errors.js'
import { httpEvidence } from './evidence.js'
import {
  describeErrorResponder,
  identifyErrorResponder,
  isMlflowResponder
} from './responder.js'

/**
 * The messages of undici 8.14 for a proxy's rejection: the status of a
 * failed CONNECT (https:// targets), or a 407 to a forwarded http://
 * request. Neither message includes the proxy's headers or page.
 */
const TUNNEL_STATUS = /Proxy response \((\d{3})\) !== 200 when HTTP Tunneling/
const FORWARD_407 = 'Proxy Authentication Required (407)'

/**
 * Classifies a rejection by the outbound proxy that undici turned into a
 * connection error, or returns undefined.
 */
export function classifyProxyFailure(
  error: ConnectionError,
  evidence: Evidence
): Diagnosis | undefined {
  const message = error.cause instanceof Error ? error.cause.message : ''
  const status = message.includes(FORWARD_407)
    ? 407
    : Number(TUNNEL_STATUS.exec(message)?.[1] ?? 0)
  if (status === 0) return undefined
  const proxy = error.request.connection?.proxy ?? 'the outbound proxy'
  const host = new URL(error.request.url).host
  if (status === 407) return proxyAuth(error.request, evidence)
  if (status === 403) {
    return diagnose(
      'FORBIDDEN_NON_MLFLOW',
      `The request was blocked by the outbound proxy ${proxy}: it ` +
        `answered HTTP 403 to the connection to ${host}. MLflow never saw ` +
        'the request, so this is not an MLflow permission problem.',
      `Ask the proxy's administrators to allow ${host}, or add the host to ` +
        'NO_PROXY if the runner can reach it directly.',
      evidence
    )
  }
  return diagnose(
    'UNREACHABLE',
    `The outbound proxy ${proxy} could not connect to ${host}: it ` +
      `answered HTTP ${status}.`,
    'Check that the proxy can reach the tracking server, or add the host ' +
      'to NO_PROXY if the runner can reach it directly.',
    evidence
  )
}

/** Builds the diagnosis of a 407 from the outbound proxy. */
export function proxyAuth(
  request: RequestFacts,
  evidence: Evidence
): Diagnosis {
  const proxy = request.connection?.proxy ?? 'the outbound proxy'
  const user = request.connection?.proxyUser
  return diagnose(
    'PROXY_AUTH',
    `The outbound proxy ${proxy} requires authentication (HTTP 407) for ` +
      `the connection to ${new URL(request.url).host}, and ` +
      (user
        ? `rejected the credentials of user '${user}' in the proxy URL.`
        : 'the proxy URL carries no credentials.'),
    'Put the proxy credentials in the proxy URL of HTTPS_PROXY or ' +
      'HTTP_PROXY (http://user:password@host:port, from a secret), or add ' +
      'the tracking host to NO_PROXY if it should be reached directly.',
    evidence
  )
}

/**
 * Classifies a 403 page with a `Via` header on a request that went
 * through the outbound proxy, which marks a proxy's block page rather than
 * MLflow. Returns undefined for any other 403.
 */
export function classifyProxyForbidden(
  error: HttpError
): Diagnosis | undefined {
  const { request, response } = error
  const proxy = request.connection?.proxy
  const responder = identifyErrorResponder(error)
  if (!proxy || !response.via || isMlflowResponder(responder)) return undefined
  return diagnose(
    'FORBIDDEN_NON_MLFLOW',
    `The request was blocked by the outbound proxy ${proxy}: the 403 for ` +
      `${request.operation} is ${describeErrorResponder(error)}, ` +
      'a proxy page rather than MLflow, so it is not an MLflow permission ' +
      'problem.',
    `Ask the proxy's administrators to allow ${new URL(request.url).host}, ` +
      'or add the host to NO_PROXY if the runner can reach it directly.',
    httpEvidence(error)
  )
}
