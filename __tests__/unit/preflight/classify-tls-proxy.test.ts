import { describe, expect, it } from '@jest/globals'

import type { ConnectionFacts } from '../../../src/http/errors.js'
import { ConnectionError } from '../../../src/http/errors.js'
import {
  CertificateVerificationError,
  type PeerCertificate
} from '../../../src/http/tls.js'
import { classifyFailure } from '../../../src/preflight/classify.js'
import { connectionError, httpError, requestFacts } from '../fixtures/errors.js'

const PEER: PeerCertificate = {
  subject: 'CN=mlflow.example.test',
  issuer: 'CN=Corp Issuing CA, O=Corp',
  altNames: ['DNS:mlflow.example.test', 'DNS:*.corp.test'],
  validTo: 'Dec  6 01:00:00 2026 GMT'
}

const CLIENT: ConnectionFacts = {
  customCa: true,
  clientCertificate: {
    subject: 'CN=ci-bot',
    validTo: '2027-01-31T00:00:00.000Z'
  }
}

const PROXIED: ConnectionFacts = {
  customCa: false,
  proxy: 'http://proxy.corp.test:3128'
}

function verificationError(
  code: string,
  peer: PeerCertificate = PEER,
  connection?: ConnectionFacts
): ConnectionError {
  return new ConnectionError(
    requestFacts(connection ? { connection } : {}),
    code,
    { cause: new CertificateVerificationError(code, peer) }
  )
}

const NGINX_HTML = { 'content-type': 'text/html', server: 'nginx/1.22.1' }

function nginxPage(title: string): string {
  return (
    `<html><head><title>400 ${title}</title></head><body>` +
    `<center><h1>400 Bad Request</h1></center><center>${title}</center>` +
    '<hr><center>nginx/1.22.1</center></body></html>'
  )
}

describe('server certificate failures', () => {
  it('untrusted certificate names host, subject and issuer', () => {
    const diagnosis = classifyFailure(
      verificationError('UNABLE_TO_VERIFY_LEAF_SIGNATURE')
    )
    expect(diagnosis.code).toBe('TLS_UNTRUSTED')
    expect(diagnosis.detail).toBe(
      'The certificate of mlflow.test (subject CN=mlflow.example.test) was ' +
        'issued by CN=Corp Issuing CA, O=Corp, which is not trusted ' +
        '(UNABLE_TO_VERIFY_LEAF_SIGNATURE).'
    )
    expect(diagnosis.fix).toContain('`ca-cert`')
    expect(diagnosis.evidence.serverCertificate).toBe(
      'subject CN=mlflow.example.test; issuer CN=Corp Issuing CA, O=Corp; ' +
        'names DNS:mlflow.example.test, DNS:*.corp.test; valid until ' +
        'Dec  6 01:00:00 2026 GMT'
    )
  })

  it('self-signed certificate says so', () => {
    const peer = { ...PEER, issuer: PEER.subject }
    const diagnosis = classifyFailure(
      verificationError('DEPTH_ZERO_SELF_SIGNED_CERT', peer)
    )
    expect(diagnosis.detail).toContain('issued by itself (a self-signed')
  })

  it('certificate outside ca-cert points at ca-cert', () => {
    const diagnosis = classifyFailure(
      verificationError('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', PEER, CLIENT)
    )
    expect(diagnosis.detail).toContain(
      'It does not chain to the CA certificates in `ca-cert`.'
    )
    expect(diagnosis.fix).toContain(
      'Point `ca-cert` at the certificate of CN=Corp Issuing CA, O=Corp'
    )
  })

  it('expired certificate gives its end date', () => {
    const diagnosis = classifyFailure(verificationError('CERT_HAS_EXPIRED'))
    expect(diagnosis.code).toBe('TLS_UNTRUSTED')
    expect(diagnosis.detail).toContain('valid until Dec  6 01:00:00 2026 GMT')
  })

  it('hostname mismatch lists the names and the wildcard rule', () => {
    const diagnosis = classifyFailure(
      verificationError('ERR_TLS_CERT_ALTNAME_INVALID')
    )
    expect(diagnosis.code).toBe('TLS_HOSTNAME')
    expect(diagnosis.detail).toContain(
      'does not name that host (mlflow.test): it names ' +
        'DNS:mlflow.example.test, DNS:*.corp.test.'
    )
    expect(diagnosis.detail).toContain('covers exactly one label')
  })

  it('hostname mismatch without a wildcard skips its rule', () => {
    const peer = { ...PEER, altNames: ['DNS:mlflow.example.test'] }
    const diagnosis = classifyFailure(
      verificationError('ERR_TLS_CERT_ALTNAME_INVALID', peer)
    )
    expect(diagnosis.detail).toBe(
      'The certificate presented by mlflow.test does not name that host ' +
        '(mlflow.test): it names DNS:mlflow.example.test.'
    )
  })

  it('IP host against DNS names', () => {
    const peer = { ...PEER, altNames: ['DNS:mlflow.example.test'] }
    const error = new ConnectionError(
      requestFacts({ url: 'https://10.0.0.5:8443/api/2.0/mlflow/x' }),
      'ERR_TLS_CERT_ALTNAME_INVALID',
      {
        cause: new CertificateVerificationError(
          'ERR_TLS_CERT_ALTNAME_INVALID',
          peer
        )
      }
    )
    const diagnosis = classifyFailure(error)
    expect(diagnosis.detail).toContain('(10.0.0.5): it names DNS:')
    expect(diagnosis.detail).toContain('matches only an IP Address entry')
    expect(diagnosis.detail).not.toContain('wildcard')
  })

  it('certificate without names says so', () => {
    const diagnosis = classifyFailure(
      verificationError('ERR_TLS_CERT_ALTNAME_INVALID', {
        ...PEER,
        altNames: []
      })
    )
    expect(diagnosis.detail).toContain('it has no subject alternative names')
  })
})

describe('TLS protocol and client certificate alerts', () => {
  it.each([
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'wrong version number'],
    ['EPROTO', 'write EPROTO'],
    ['ERR_SSL_PACKET_LENGTH_TOO_LONG', 'packet length too long']
  ])('%s is TLS_PROTOCOL', (code, message) => {
    const diagnosis = classifyFailure(connectionError(code, message))
    expect(diagnosis.code).toBe('TLS_PROTOCOL')
    expect(diagnosis.fix).toContain('http://mlflow.test')
  })

  it.each([
    [
      'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
      'error:0A00045C:SSL routines:ssl3_read_bytes:tlsv13 alert certificate required:../deps/openssl/openssl/ssl/record/rec_layer_s3.c:918:SSL alert number 116',
      'certificate required'
    ],
    [
      'ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE',
      'ssl3_read_bytes:sslv3 alert bad certificate:SSL alert number 42',
      'bad certificate'
    ],
    [
      'ERR_SSL_TLSV1_ALERT_UNKNOWN_CA',
      'ssl3_read_bytes:tlsv1 alert unknown ca:SSL alert number 48',
      'unknown ca'
    ],
    ['EPROTO', 'tlsv13 alert certificate required', 'certificate required']
  ])('%s is TLS_CLIENT_CERT', (code, message, alert) => {
    const diagnosis = classifyFailure(connectionError(code, message))
    expect(diagnosis.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis.detail).toContain(`alert "${alert}"`)
  })

  it('alert with no certificate sent asks for one', () => {
    const diagnosis = classifyFailure(
      connectionError('ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', '')
    )
    expect(diagnosis.detail).toContain('none was sent')
    expect(diagnosis.fix).toContain('`client-cert` and `client-key`')
  })

  it('alert about a sent certificate names it', () => {
    const diagnosis = classifyFailure(
      connectionError('ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', '', {
        connection: CLIENT
      })
    )
    expect(diagnosis.detail).toBe(
      'mlflow.test rejected the client certificate CN=ci-bot (valid until ' +
        '2027-01-31T00:00:00.000Z) with the TLS alert "unknown ca".'
    )
  })

  it('closed connection with a client certificate hints at it', () => {
    const diagnosis = classifyFailure(
      connectionError('UND_ERR_SOCKET', 'other side closed', {
        connection: CLIENT
      })
    )
    expect(diagnosis.code).toBe('SERVER_UNAVAILABLE')
    expect(diagnosis.fix).toContain(
      'rejecting the client certificate CN=ci-bot'
    )
  })
})

/** Builds undici's error for a socket closed before any byte was read. */
function closedSocket(
  connection?: ConnectionFacts,
  url = 'https://mlflow.test/api/2.0/mlflow/registered-models/get',
  originResponded = false
): ConnectionError {
  const cause = Object.assign(new Error('other side closed'), {
    code: 'UND_ERR_SOCKET',
    socket: { bytesWritten: 66, bytesRead: 0 }
  })
  return new ConnectionError(
    requestFacts({
      url,
      ...(connection ? { connection } : {}),
      ...(originResponded ? { originResponded } : {})
    }),
    'UND_ERR_SOCKET',
    { cause }
  )
}

describe('connections closed after the handshake', () => {
  it('reset in the handshake is TLS_CLIENT_CERT', () => {
    const diagnosis = classifyFailure(
      connectionError(
        'ECONNRESET',
        'Client network socket disconnected before secure TLS connection ' +
          'was established'
      )
    )
    expect(diagnosis.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis.detail).toContain('none was configured')
    expect(diagnosis.fix).toContain('`client-cert` and `client-key`')
  })

  it('close before any byte is TLS_CLIENT_CERT', () => {
    const diagnosis = classifyFailure(closedSocket())
    expect(diagnosis.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis.detail).toContain('UND_ERR_SOCKET')
  })

  it('expired client certificate is named', () => {
    const diagnosis = classifyFailure(
      closedSocket({
        customCa: true,
        clientCertificate: {
          subject: 'CN=ci-bot',
          validTo: '2020-01-31T00:00:00.000Z'
        }
      })
    )
    expect(diagnosis.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis.detail).toContain(
      'rejected the client certificate CN=ci-bot, which expired on ' +
        '2020-01-31T00:00:00.000Z'
    )
    expect(diagnosis.fix).toContain('Renew the client certificate')
  })

  it('current client certificate stays retryable', () => {
    const diagnosis = classifyFailure(closedSocket(CLIENT))
    expect(diagnosis.code).toBe('SERVER_UNAVAILABLE')
  })

  it('plain http stays retryable', () => {
    const diagnosis = classifyFailure(
      closedSocket(undefined, 'http://mlflow.test/api/2.0/mlflow/x')
    )
    expect(diagnosis.code).toBe('SERVER_UNAVAILABLE')
  })

  it('close after an earlier response is retryable', () => {
    const diagnosis = classifyFailure(closedSocket(undefined, undefined, true))
    expect(diagnosis.code).toBe('SERVER_UNAVAILABLE')
  })

  it('handshake reset after a response is retryable', () => {
    const diagnosis = classifyFailure(
      connectionError(
        'ECONNRESET',
        'Client network socket disconnected before secure TLS connection ' +
          'was established',
        { originResponded: true }
      )
    )
    expect(diagnosis.code).toBe('SERVER_UNAVAILABLE')
  })

  it('expired certificate after a response is retryable', () => {
    const expired: ConnectionFacts = {
      customCa: true,
      clientCertificate: {
        subject: 'CN=ci-bot',
        validTo: '2020-01-31T00:00:00.000Z'
      }
    }
    const diagnosis = classifyFailure(closedSocket(expired, undefined, true))
    expect(diagnosis.code).toBe('SERVER_UNAVAILABLE')
  })

  it('close after bytes stays retryable', () => {
    const diagnosis = classifyFailure(
      connectionError('UND_ERR_SOCKET', 'other side closed')
    )
    expect(diagnosis.code).toBe('SERVER_UNAVAILABLE')
  })
})

describe("nginx's client certificate pages", () => {
  it('400 without a certificate is TLS_CLIENT_CERT', () => {
    const diagnosis = classifyFailure(
      httpError(
        400,
        NGINX_HTML,
        nginxPage('No required SSL certificate was sent')
      )
    )
    expect(diagnosis.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis.detail).toMatch(
      /^HTTP 400 "No required SSL certificate was sent" from an HTML page .*none was sent\.$/
    )
  })

  it('400 for a refused certificate names subject and expiry', () => {
    const diagnosis = classifyFailure(
      httpError(400, NGINX_HTML, nginxPage('The SSL certificate error'), {
        connection: CLIENT
      })
    )
    expect(diagnosis.code).toBe('TLS_CLIENT_CERT')
    expect(diagnosis.detail).toContain(
      'the server rejected the client certificate CN=ci-bot (valid until ' +
        '2027-01-31T00:00:00.000Z)'
    )
    expect(diagnosis.evidence.clientCertificate).toBe(
      'CN=ci-bot, valid until 2027-01-31T00:00:00.000Z'
    )
  })
})

describe('outbound proxy refusals', () => {
  it('407 to CONNECT is PROXY_AUTH naming the proxy', () => {
    const diagnosis = classifyFailure(
      connectionError(
        'UND_ERR_ABORTED',
        'Proxy response (407) !== 200 when HTTP Tunneling',
        { connection: PROXIED }
      )
    )
    expect(diagnosis.code).toBe('PROXY_AUTH')
    expect(diagnosis.detail).toBe(
      'The outbound proxy http://proxy.corp.test:3128 requires ' +
        'authentication (HTTP 407) for the connection to mlflow.test, and ' +
        'the proxy URL carries no credentials.'
    )
    expect(diagnosis.evidence.proxy).toBe('http://proxy.corp.test:3128')
  })

  it('407 to a forwarded request names the proxy user', () => {
    const diagnosis = classifyFailure(
      connectionError(
        'UND_ERR_INVALID_ARG',
        'Proxy Authentication Required (407)',
        {
          connection: { ...PROXIED, proxyUser: 'ci-proxy' }
        }
      )
    )
    expect(diagnosis.code).toBe('PROXY_AUTH')
    expect(diagnosis.detail).toContain(
      "rejected the credentials of user 'ci-proxy'"
    )
  })

  it('403 to CONNECT is FORBIDDEN_NON_MLFLOW by the proxy', () => {
    const diagnosis = classifyFailure(
      connectionError(
        'UND_ERR_ABORTED',
        'Proxy response (403) !== 200 when HTTP Tunneling',
        { connection: PROXIED }
      )
    )
    expect(diagnosis.code).toBe('FORBIDDEN_NON_MLFLOW')
    expect(diagnosis.detail).toContain(
      'The request was blocked by the outbound proxy http://proxy.corp.test:3128'
    )
    expect(diagnosis.fix).toContain('NO_PROXY')
  })

  it('502 to CONNECT is UNREACHABLE through the proxy', () => {
    const diagnosis = classifyFailure(
      connectionError(
        'UND_ERR_ABORTED',
        'Proxy response (502) !== 200 when HTTP Tunneling',
        { connection: PROXIED }
      )
    )
    expect(diagnosis.code).toBe('UNREACHABLE')
    expect(diagnosis.detail).toContain('could not connect to mlflow.test')
  })

  it('refused connection to the proxy names the proxy', () => {
    const diagnosis = classifyFailure(
      connectionError('ECONNREFUSED', 'connect ECONNREFUSED', {
        connection: PROXIED
      })
    )
    expect(diagnosis.detail).toContain(
      'The outbound proxy http://proxy.corp.test:3128 did not accept'
    )
  })

  it('403 page with Via through the proxy is blocked by it', () => {
    const diagnosis = classifyFailure(
      httpError(
        403,
        { ...NGINX_HTML, via: '1.1 squid' },
        '<html><title>Access Denied</title></html>',
        { connection: PROXIED }
      )
    )
    expect(diagnosis.code).toBe('FORBIDDEN_NON_MLFLOW')
    expect(diagnosis.detail).toContain(
      'The request was blocked by the outbound proxy http://proxy.corp.test:3128'
    )
  })

  it('403 page with Via without a proxy is not blamed on one', () => {
    const diagnosis = classifyFailure(
      httpError(
        403,
        { ...NGINX_HTML, via: '1.1 squid' },
        '<html><title>Access Denied</title></html>'
      )
    )
    expect(diagnosis.code).toBe('FORBIDDEN_NON_MLFLOW')
    expect(diagnosis.detail).not.toContain('outbound proxy')
  })

  it("MLflow's permission 403 through a proxy stays MLflow's", () => {
    const diagnosis = classifyFailure(
      httpError(
        403,
        { 'content-type': 'text/html', via: '1.1 squid' },
        'Permission denied',
        {
          connection: PROXIED
        }
      )
    )
    expect(diagnosis.code).toBe('FORBIDDEN_PERMISSION')
  })
})
