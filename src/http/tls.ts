import type { TLSSocket } from 'node:tls'

import { buildConnector, Pool, type Dispatcher } from './undici.js'

/** Details of the tracking server's certificate, for a diagnosis. */
export interface PeerCertificate {
  readonly subject: string
  readonly issuer: string
  /** The subject alternative names, such as `DNS:mlflow.example.test`. */
  readonly altNames: readonly string[]
  readonly validTo: string
}

/**
 * The TLS handshake finished, but the server's certificate failed
 * verification. `code` is Node's verification code, such as
 * `UNABLE_TO_VERIFY_LEAF_SIGNATURE` or `ERR_TLS_CERT_ALTNAME_INVALID`.
 */
export class CertificateVerificationError extends Error {
  readonly code: string
  readonly peer: PeerCertificate

  constructor(code: string, peer: PeerCertificate) {
    super(
      `The server's certificate (subject ${peer.subject}, issuer ` +
        `${peer.issuer}) failed verification: ${code}`
    )
    this.name = 'CertificateVerificationError'
    this.code = code
    this.peer = peer
  }
}

type Connector = buildConnector.connector
type ConnectOptions = Parameters<Connector>[0]
type ConnectCallback = Parameters<Connector>[1]

/**
 * Builds the pool factory that verifies the tracking server's certificate
 * and keeps the certificate's details when verification fails. Each pool
 * opens at most `connections` connections.
 *
 * Node verifies a server certificate only after the handshake has
 * finished, and with `rejectUnauthorized` it destroys the socket before
 * anyone can read the certificate, so a diagnosis could not name the
 * issuer or the names it holds. The connections are therefore opened with
 * `rejectUnauthorized: false`, and this check applies Node's own verdict
 * (`authorized`, `authorizationError`, which include the host name check)
 * before undici may write a single byte: a socket that fails is destroyed
 * and the request fails. The same factory serves direct connections and
 * connections tunnelled through a proxy, whose origin connector is the
 * function in `options.connect`.
 */
export function verifyingPoolFactory(
  verify: boolean,
  connections: number
): (origin: string | URL, options: object) => Dispatcher {
  return (origin, options: Pool.Options) => {
    const { connect } = options
    const base: Connector =
      typeof connect === 'function' ? connect : buildConnector({ ...connect })
    // Set here, because undici's proxy agent builds the pool of an
    // http:// origin behind an HTTP proxy with `connect` alone.
    return new Pool(origin, {
      ...options,
      connections,
      connect: verify ? verifyingConnector(base) : base
    })
  }
}

function verifyingConnector(base: Connector): Connector {
  return (options: ConnectOptions, callback: ConnectCallback) => {
    base(options, (error, socket) => {
      if (error !== null) {
        callback(error, null)
        return
      }
      const tls = socket as Partial<TLSSocket>
      // Plain sockets (http:// origins, the hop to an http:// proxy) have
      // nothing to verify.
      if (!tls.encrypted || tls.authorized === true) {
        callback(null, socket)
        return
      }
      const failure = new CertificateVerificationError(
        String(tls.authorizationError ?? 'CERT_UNTRUSTED'),
        readPeerCertificate(tls as TLSSocket)
      )
      socket.destroy()
      callback(failure, null)
    })
  }
}

function readPeerCertificate(socket: TLSSocket): PeerCertificate {
  const certificate = socket.getPeerCertificate()
  return {
    subject: formatName(certificate.subject),
    issuer: formatName(certificate.issuer),
    altNames: (certificate.subjectaltname ?? '')
      .split(',')
      .map(name => name.trim().replace(/^IP Address:/, 'IP:'))
      .filter(name => name !== ''),
    validTo: certificate.valid_to
  }
}

/** Formats a certificate name as `CN=..., O=...`, the most specific first. */
function formatName(name: object | undefined): string {
  if (!name) return '(none)'
  const parts = Object.entries(name as Record<string, unknown>)
    .filter(([, value]) => value !== undefined)
    .map(([key, value]) => `${key}=${String(value)}`)
  const cn = parts.filter(part => part.startsWith('CN='))
  const rest = parts.filter(part => !part.startsWith('CN='))
  return [...cn, ...rest].join(', ') || '(empty)'
}
