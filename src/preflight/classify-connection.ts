import { diagnose, type Diagnosis } from '../diagnosis/diagnosis.js'
import type { ConnectionError } from '../http/errors.js'
import { classifyProxyFailure } from './classify-proxy.js'
import { classifyTlsFailure } from './classify-tls.js'
import { connectionEvidence } from './evidence.js'

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT'
])

/** Classifies a request that got no HTTP answer. */
export function classifyConnectionError(error: ConnectionError): Diagnosis {
  const evidence = connectionEvidence(error)
  const host = new URL(error.request.url).host
  return (
    classifyProxyFailure(error, evidence) ??
    classifyTlsFailure(error, evidence) ??
    classifyNetworkFailure(error, host, evidence)
  )
}

function classifyNetworkFailure(
  error: ConnectionError,
  host: string,
  evidence: Diagnosis['evidence']
): Diagnosis {
  const { code } = error
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    // ENOTFOUND is a definite "no such name": a typo or a private name
    // the runner cannot see, which no retry or bundle fixes. EAI_AGAIN
    // is a resolver that failed for now.
    return diagnose(
      code === 'ENOTFOUND' ? 'CLIENT_CONFIG' : 'UNREACHABLE',
      `The host name in ${host} could not be resolved (${code}).`,
      'Check the host name in the tracking URI, and that the runner can ' +
        'resolve it (a private DNS name needs a self-hosted runner).',
      evidence
    )
  }
  if (TIMEOUT_CODES.has(code)) {
    return diagnose(
      'SERVER_UNAVAILABLE',
      `${host} accepted the connection but did not answer in time (${code}).`,
      'The server may be overloaded or restarting; raise ' +
        '`request-timeout` if it is slow by nature.',
      evidence
    )
  }
  if (code === 'UND_ERR_INVALID_ARG') {
    // undici rejects a header value with a line break or another
    // character that HTTP forbids, so no retry or bundle can fix it.
    return diagnose(
      'CLIENT_CONFIG',
      `A request to ${host} could not be sent: a header value, such as ` +
        'the token, the password or an extra header, holds a line break ' +
        `or another character that HTTP does not allow (${code}).`,
      'Remove the line break or control character from the secret or the ' +
        'header value; a secret copied with its trailing newline is the ' +
        'usual cause.',
      evidence
    )
  }
  const proxy = error.request.connection?.proxy
  if (proxy && (code === 'ECONNREFUSED' || code === 'UND_ERR_PRX_CONN')) {
    return diagnose(
      'UNREACHABLE',
      `The outbound proxy ${proxy} did not accept the connection for ` +
        `${host} (${code}).`,
      'Check HTTPS_PROXY and HTTP_PROXY, or add the tracking host to ' +
        'NO_PROXY if the runner can reach it directly.',
      evidence
    )
  }
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return diagnose(
      'UNREACHABLE',
      `Nothing accepted a connection at ${host} (${code}).`,
      'Check that the tracking server is running and that the host and ' +
        'port in the tracking URI are right.',
      evidence
    )
  }
  const client = error.request.connection?.clientCertificate
  return diagnose(
    'SERVER_UNAVAILABLE',
    `The connection to ${host} failed before an answer arrived (${code}).`,
    'The server or a proxy in between closed the connection; it may be ' +
      'restarting. Try again, and check its logs.' +
      (client
        ? ' If it fails the same way every time, the server may be ' +
          `rejecting the client certificate ${client.subject} without a ` +
          'TLS alert: check that it trusts the CA that issued it.'
        : ''),
    evidence
  )
}
