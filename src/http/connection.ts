import type { Config } from '../config/config.js'
import type { Logger } from '../host/host.js'
import type { ConnectionFacts } from './errors.js'
import { describeProxy, routeFor } from './proxy.js'

/**
 * Works out how requests reach the tracking server (the proxy, never its
 * credentials, and the TLS identity sent), logs it, and returns it for
 * diagnoses. Turning verification off is warned about on every run.
 */
export function reportConnection(config: Config, log: Logger): ConnectionFacts {
  const { tls, trackingUri } = config
  const route = routeFor(trackingUri, config.proxy)
  const client = tls.clientCertificate
  log.info(
    route.proxy
      ? `Connection: through proxy ${describeProxy(route.proxy)} ` +
          `(from ${route.proxy.variable})`
      : `Connection: direct (${route.reason})`
  )
  if (trackingUri.protocol === 'https:') logTls(config, log)
  if (tls.insecure) {
    log.warning(
      `TLS certificate verification is OFF for ${trackingUri.host} ` +
        '(insecure-tls). Anyone on the network path can read and change ' +
        'the traffic, credentials included. Use `ca-cert` for a private CA.',
      { title: 'Insecure TLS' }
    )
  }
  if (config.extraHeaders.length > 0) {
    const names = config.extraHeaders.map(header => header.name).join(', ')
    log.info(`Extra headers for ${trackingUri.host}: ${names} (values masked)`)
  }
  return {
    customCa: tls.ca !== undefined,
    ...(route.proxy ? { proxy: describeProxy(route.proxy) } : {}),
    ...(route.proxy?.url.username
      ? { proxyUser: decodeURIComponent(route.proxy.url.username) }
      : {}),
    ...(client
      ? {
          clientCertificate: {
            subject: client.subject,
            validTo: client.validTo.toISOString()
          }
        }
      : {})
  }
}

function logTls({ tls }: Config, log: Logger): void {
  log.info(
    tls.ca
      ? `TLS: trusting ${tls.caSubjects.length} CA certificate(s) from ` +
          `ca-cert: ${tls.caSubjects.join('; ')}`
      : "TLS: trusting Node's bundled CA certificates"
  )
  const client = tls.clientCertificate
  if (!client) return
  const expired = client.validTo.getTime() < Date.now()
  const message =
    `TLS client certificate: ${client.subject}, issued by ${client.issuer}, ` +
    `valid until ${client.validTo.toISOString()}`
  if (expired) {
    log.warning(`${message}: it has EXPIRED, so the server will reject it`, {
      title: 'Client certificate expired'
    })
  } else {
    log.info(message)
  }
}
