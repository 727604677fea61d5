import { diagnose, type Diagnosis } from '../diagnosis/diagnosis.js'
import type { ConnectionError } from '../http/errors.js'
import { connectionEvidence } from './evidence.js'

const UNTRUSTED_CODES = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE'
])

const TIMEOUT_CODES = new Set([
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'ETIMEDOUT'
])

/** Classifies a request that got no HTTP answer. */
export function classifyConnectionError(error: ConnectionError): Diagnosis {
  const evidence = connectionEvidence(error)
  const host = new URL(error.request.url).host
  const { code } = error
  const message = error.cause instanceof Error ? error.cause.message : ''

  if (UNTRUSTED_CODES.has(code)) {
    return diagnose(
      'TLS_UNTRUSTED',
      `The certificate of ${host} is not trusted (${code}).`,
      'If the server uses a private CA, give its certificate to the ' +
        'runner, for example with NODE_EXTRA_CA_CERTS. Do not turn off ' +
        'verification.',
      evidence
    )
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return diagnose(
      'TLS_HOSTNAME',
      `The certificate presented by ${host} does not name that host: ` +
        `${message}. A wildcard certificate covers one label only.`,
      'Use the host name the certificate was issued for, or have the ' +
        "server's certificate reissued with this name.",
      evidence
    )
  }
  if (
    code === 'EPROTO' ||
    /wrong version number|packet length too long/i.test(message)
  ) {
    return diagnose(
      'TLS_PROTOCOL',
      `${host} did not answer the TLS handshake; the port appears to ` +
        'speak plain HTTP.',
      'Use http:// for this port, or the port where the server speaks TLS.',
      evidence
    )
  }
  if (/CERTIFICATE_REQUIRED|certificate required/i.test(`${code} ${message}`)) {
    return diagnose(
      'TLS_CLIENT_CERT',
      `${host} ended the TLS handshake because it requires a client ` +
        'certificate and none was sent.',
      'Provide the client certificate and key the server trusts.',
      evidence
    )
  }
  return classifyNetworkFailure(error, host, evidence)
}

function classifyNetworkFailure(
  error: ConnectionError,
  host: string,
  evidence: Diagnosis['evidence']
): Diagnosis {
  const { code } = error
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return diagnose(
      'UNREACHABLE',
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
  if (code === 'ECONNREFUSED' || code === 'UND_ERR_CONNECT_TIMEOUT') {
    return diagnose(
      'UNREACHABLE',
      `Nothing accepted a connection at ${host} (${code}).`,
      'Check that the tracking server is running and that the host and ' +
        'port in the tracking URI are right.',
      evidence
    )
  }
  return diagnose(
    'SERVER_UNAVAILABLE',
    `The connection to ${host} failed before an answer arrived (${code}).`,
    'The server or a proxy in between closed the connection; it may be ' +
      'restarting. Try again, and check its logs.',
    evidence
  )
}
