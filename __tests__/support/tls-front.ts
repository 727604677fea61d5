/**
 * nginx terminating TLS in front of a real MLflow server, as it runs in
 * production: a certificate from the test's private CA, optionally
 * mutual TLS (`ssl_verify_client on`) and extra nginx directives, and an
 * access log that records every request it passed on.
 */
import { readFileSync } from 'node:fs'
import path from 'node:path'

import { startNginx, type Nginx } from './nginx.js'
import type { CertificateFiles } from './pki.js'

/** nginx with TLS in front of MLflow. */
export interface TlsFront extends Nginx {
  /** `https://<host>:<port>` with the host name given. */
  urlFor(host: string): string
  /** The access log lines so far: `METHOD path status`. */
  requests(): string[]
  /** The protocol of each request so far, such as `HTTP/2.0`. */
  protocols(): string[]
}

/** Options of a TLS front. */
export interface TlsFrontOptions {
  /** A CA whose client certificates nginx requires (mutual TLS). */
  readonly clientCa?: string
  /** Directives added inside `location /`, such as header checks. */
  readonly location?: string
  /**
   * Offers HTTP/2 in ALPN, which nginx then prefers to HTTP/1.1. It uses
   * `listen ... http2`, the form of Debian's nginx 1.22; nginx 1.25.1
   * and later still accept it, with a warning.
   */
  readonly http2?: boolean
}

/** Starts nginx with TLS on a free loopback port, proxying to `upstream`. */
export async function startTlsFront(
  upstream: string,
  certificate: CertificateFiles,
  options: TlsFrontOptions = {}
): Promise<TlsFront> {
  const mutual = options.clientCa
    ? `ssl_client_certificate ${options.clientCa};\n    ssl_verify_client on;`
    : ''
  const nginx = await startNginx(
    port => `log_format requests '$request_method $uri $status';
  log_format protocols '$server_protocol';
  server {
    listen 127.0.0.1:${port} ssl${options.http2 ? ' http2' : ''};
    ssl_certificate ${certificate.cert};
    ssl_certificate_key ${certificate.key};
    ${mutual}
    client_max_body_size 100m;
    access_log requests.log requests;
    access_log protocols.log protocols;
    location / {
      ${options.location ?? ''}
      proxy_pass ${upstream};
    }
  }`,
    { tls: true }
  )
  const log = (name: string) => readLines(path.join(nginx.dir, name))
  return {
    ...nginx,
    urlFor: host => `https://${host}:${nginx.port}`,
    requests: () => log('requests.log'),
    protocols: () => log('protocols.log')
  }
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}
