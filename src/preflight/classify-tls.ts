import { isIP } from 'node:net'

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
import type { PeerCertificate } from '../http/tls.js'
import { httpEvidence, peerCertificate } from './evidence.js'
import { describeErrorResponder } from './responder.js'

/** Node's codes for a certificate chain that does not verify. */
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

/**
 * TLS alerts a server sends about the client's certificate, as OpenSSL
 * 3 names them in Node's error codes: none was sent (TLS 1.3's
 * `certificate_required`), or the one sent was rejected.
 */
const CLIENT_CERT_ALERTS = new RegExp(
  'ALERT_(' +
    [
      'CERTIFICATE_REQUIRED',
      'BAD_CERTIFICATE',
      'UNKNOWN_CA',
      'CERTIFICATE_EXPIRED',
      'CERTIFICATE_REVOKED',
      'UNSUPPORTED_CERTIFICATE',
      'CERTIFICATE_UNKNOWN'
    ].join('|') +
    ')$'
)

const CA_CERT_FIX =
  'Give the certificate of the CA that issued it in `ca-cert` (or ' +
  'MLFLOW_TRACKING_SERVER_CERT_PATH) as a PEM file; NODE_EXTRA_CA_CERTS ' +
  'works too. Do not turn verification off.'

/**
 * Classifies a TLS failure of a request that got no HTTP response, or
 * returns undefined for any other failure.
 */
export function classifyTlsFailure(
  error: ConnectionError,
  evidence: Evidence
): Diagnosis | undefined {
  const { code } = error
  const url = new URL(error.request.url)
  const message = error.cause instanceof Error ? error.cause.message : ''
  const peer = peerCertificate(error)
  if (UNTRUSTED_CODES.has(code)) {
    return untrusted(error.request, code, peer, evidence)
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return wrongHostname(url, peer, message, evidence)
  }
  if (
    CLIENT_CERT_ALERTS.test(code) ||
    /alert certificate required/i.test(message)
  ) {
    return clientCertAlert(error.request, alertName(code, message), evidence)
  }
  const closed = classifyClosedAfterHandshake(error, url, evidence)
  if (closed) return closed
  if (
    code === 'ERR_SSL_WRONG_VERSION_NUMBER' ||
    /wrong version number|packet length too long/i.test(message) ||
    (code === 'EPROTO' && url.protocol === 'https:')
  ) {
    return diagnose(
      'TLS_PROTOCOL',
      `The tracking URI says https://, but ${url.host} did not answer the ` +
        'TLS handshake: the port appears to speak plain HTTP.',
      `Use http://${url.host} if the server has no TLS, or the port where ` +
        'it (or the proxy in front of it) speaks TLS.',
      evidence
    )
  }
  return undefined
}

function untrusted(
  request: RequestFacts,
  code: string,
  peer: PeerCertificate | undefined,
  evidence: Evidence
): Diagnosis {
  const host = new URL(request.url).host
  const subject = peer ? ` (subject ${peer.subject})` : ''
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    const when = peer ? ` It is valid until ${peer.validTo}.` : ''
    return diagnose(
      'TLS_UNTRUSTED',
      `The certificate of ${host}${subject} is outside its validity ` +
        `period (${code}).${when}`,
      'Renew the server certificate; if it is current, check the clock ' +
        'of the runner.',
      evidence
    )
  }
  const issuer = peer ? describeIssuer(peer) : 'a CA'
  const inBundle = request.connection?.customCa
    ? ' It does not chain to the CA certificates in `ca-cert`.'
    : ''
  return diagnose(
    'TLS_UNTRUSTED',
    `The certificate of ${host}${subject} was issued by ${issuer}, which ` +
      `is not trusted (${code}).${inBundle}`,
    request.connection?.customCa
      ? `Point \`ca-cert\` at the certificate of ${issuer}, with any ` +
          'intermediate CA the server does not send.'
      : CA_CERT_FIX,
    evidence
  )
}

function describeIssuer(peer: PeerCertificate): string {
  return peer.issuer === peer.subject
    ? `itself (a self-signed certificate, ${peer.issuer})`
    : peer.issuer
}

function wrongHostname(
  url: URL,
  peer: PeerCertificate | undefined,
  message: string,
  evidence: Evidence
): Diagnosis {
  const host = url.hostname.replace(/^\[|\]$/g, '')
  const names = peer
    ? peer.altNames.length > 0
      ? `it names ${peer.altNames.join(', ')}`
      : `it has no subject alternative names, only the subject ${peer.subject}`
    : message
  // Without the peer certificate, only Node's message lists the names.
  const wildcard = (peer ? peer.altNames.join(' ') : message).includes('*')
  const notes = [
    wildcard
      ? 'A wildcard name covers exactly one label: *.corp.test matches ' +
        'mlflow.corp.test, not mlflow.eu.corp.test or corp.test.'
      : '',
    isIP(host) !== 0
      ? 'An IP address in the tracking URI matches only an IP Address ' +
        'entry of the certificate, never a DNS name.'
      : ''
  ].filter(Boolean)
  return diagnose(
    'TLS_HOSTNAME',
    `The certificate presented by ${url.host} does not name that host ` +
      `(${host})${names ? `: ${names}` : ''}.` +
      notes.map(note => ` ${note}`).join(''),
    'Use a host name the certificate lists in the tracking URI, or have ' +
      `the certificate reissued with ${host} among its names (an IP ` +
      'address needs an IP entry).',
    evidence
  )
}

function alertName(code: string, message: string): string {
  const fromMessage = /alert ([a-z ]+?)(?::|$)/i.exec(message)?.[1]
  const fromCode = /ALERT_([A-Z_]+)$/.exec(code)?.[1]
  return (fromMessage ?? fromCode?.replace(/_/g, ' ') ?? code).toLowerCase()
}

function clientCertAlert(
  request: RequestFacts,
  alert: string,
  evidence: Evidence
): Diagnosis {
  const host = new URL(request.url).host
  const sent = request.connection?.clientCertificate
  return diagnose(
    'TLS_CLIENT_CERT',
    sent
      ? `${host} rejected the client certificate ${sent.subject} (valid ` +
          `until ${sent.validTo}) with the TLS alert "${alert}".`
      : `${host} ended the TLS handshake with the alert "${alert}": it ` +
          'requires a client certificate and none was sent.',
    sent ? REJECTED_CERT_FIX : MISSING_CERT_FIX,
    evidence
  )
}

/** Codes of a connection the server closed or reset. */
const CLOSED_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET'])
/** Node's message for a connection closed during the TLS handshake. */
const CLOSED_IN_HANDSHAKE = /before secure TLS connection was established/i

/**
 * Classifies an https connection that the server closed during the TLS
 * handshake, or right after it without sending a byte of HTTP, as a
 * client certificate problem when none was configured or the one sent
 * has expired. A TLS 1.3 server that rejects the client certificate
 * sends its alert after the client considers the handshake done, and
 * undici 8 then reports only `UND_ERR_SOCKET: other side closed`.
 *
 * The rule holds only at first contact, before any HTTP response came
 * from the origin. A server that responded once accepted the TLS client
 * as it is, so a later close is a restart, a killed worker or a dropped
 * connection, which stays an availability failure that is retried.
 * NOTE: without a client certificate, a server that closes the first
 * connection for another reason before any response byte looks the
 * same, and that failure is then not retried.
 */
function classifyClosedAfterHandshake(
  error: ConnectionError,
  url: URL,
  evidence: Evidence
): Diagnosis | undefined {
  if (url.protocol !== 'https:' || !CLOSED_CODES.has(error.code)) {
    return undefined
  }
  if (error.request.originResponded === true) return undefined
  if (!closedBeforeResponse(error)) return undefined
  const sent = error.request.connection?.clientCertificate
  const expired = sent !== undefined && Date.parse(sent.validTo) < Date.now()
  if (sent !== undefined && !expired) return undefined
  return diagnose(
    'TLS_CLIENT_CERT',
    sent
      ? `${url.host} closed the connection right after the TLS handshake ` +
          `(${error.code}): it rejected the client certificate ` +
          `${sent.subject}, which expired on ${sent.validTo}.`
      : `${url.host} closed the connection during or right after the TLS ` +
          `handshake without a response (${error.code}). Servers that ` +
          'require a client certificate (mutual TLS) do this when none is ' +
          'sent, and none was configured.',
    sent
      ? 'Renew the client certificate and update `client-cert`.'
      : `${MISSING_CERT_FIX} If the server does not require client ` +
          'certificates, the connection was dropped: run the job again.',
    evidence
  )
}

/**
 * Checks whether the connection closed before any byte of the response:
 * Node's handshake message, or undici's socket facts with no bytes read.
 */
function closedBeforeResponse(error: ConnectionError): boolean {
  let current: unknown = error.cause
  for (let depth = 0; depth < 4 && current instanceof Error; depth++) {
    if (CLOSED_IN_HANDSHAKE.test(current.message)) return true
    const socket = (current as { socket?: { bytesRead?: unknown } }).socket
    if (socket?.bytesRead === 0) return true
    current = current.cause
  }
  return false
}

const MISSING_CERT_FIX =
  'Set `client-cert` and `client-key` to the client certificate and key ' +
  'the server trusts (or one combined PEM in `client-cert` or ' +
  'MLFLOW_TRACKING_CLIENT_CERT_PATH), with `client-key-passphrase` for an ' +
  'encrypted key.'

const REJECTED_CERT_FIX =
  'Use a client certificate issued by the CA the server trusts for ' +
  'clients, current and with the clientAuth key usage.'

/**
 * Classifies nginx's HTTP 400 page for a missing or rejected client
 * certificate (`ssl_verify_client on`): "No required SSL certificate was
 * sent" or "The SSL certificate error". nginx completes the handshake and
 * responds in HTTP, so the client sees no TLS alert.
 */
export function classifyClientCertPage(
  error: HttpError
): Diagnosis | undefined {
  const { request, response } = error
  const text = `${response.pageTitle ?? ''} ${response.body}`
  if (!/ssl certificate|client certificate/i.test(text)) return undefined
  const responder = describeErrorResponder(error)
  const sent = request.connection?.clientCertificate
  // nginx titles the page with the reason, such as "400 No required SSL
  // certificate was sent" or "400 The SSL certificate error".
  const title = response.pageTitle?.replace(/^\d{3}\s+/, '')
  const page = title ? ` "${title}"` : ''
  return diagnose(
    'TLS_CLIENT_CERT',
    `HTTP ${response.status}${page} from ${responder}: ` +
      (sent
        ? `the server rejected the client certificate ${sent.subject} ` +
          `(valid until ${sent.validTo}).`
        : 'the server requires a client certificate (mutual TLS) and ' +
          'none was sent.'),
    sent ? REJECTED_CERT_FIX : MISSING_CERT_FIX,
    httpEvidence(error)
  )
}
