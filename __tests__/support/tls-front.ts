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
}

/** Options of a TLS front. */
export interface TlsFrontOptions {
  /** A CA whose client certificates nginx requires (mutual TLS). */
  readonly clientCa?: string
  /** Directives added inside `location /`, such as header checks. */
  readonly location?: string
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
  server {
    listen 127.0.0.1:${port} ssl;
    ssl_certificate ${certificate.cert};
    ssl_certificate_key ${certificate.key};
    ${mutual}
    client_max_body_size 100m;
    access_log requests.log requests;
    location / {
      ${options.location ?? ''}
      proxy_pass ${upstream};
    }
  }`,
    { tls: true }
  )
  const log = path.join(nginx.dir, 'requests.log')
  return {
    ...nginx,
    urlFor: host => `https://${host}:${nginx.port}`,
    requests: () => readLines(log)
  }
}

function readLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter(Boolean)
  } catch {
    return []
  }
}
