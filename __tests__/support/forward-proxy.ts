/**
 * A real forward proxy on loopback (the npm package `proxy`, "think
 * Squid"): it tunnels CONNECT for https:// targets and forwards http://
 * requests, and can require Basic proxy credentials. It records every
 * connection made to it, so a test can tell which requests went through.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

import { createProxy } from 'proxy'

/** A running forward proxy. */
export interface ForwardProxy {
  /** `http://127.0.0.1:<port>`, without credentials. */
  readonly url: string
  /** `127.0.0.1:<port>`. */
  readonly host: string
  /** TCP connections accepted so far. */
  connections(): number
  /** Targets of CONNECT requests and forwarded requests so far. */
  readonly targets: string[]
  stop(): Promise<void>
}

/**
 * Starts the proxy. With `credentials`, it returns 407 to requests that
 * do not carry them.
 */
export async function startForwardProxy(credentials?: {
  readonly username: string
  readonly password: string
}): Promise<ForwardProxy> {
  const server = createProxy(createServer())
  let connections = 0
  const targets: string[] = []
  server.on('connection', () => connections++)
  server.on('connect', (request: { url?: string }) => {
    targets.push(request.url ?? '')
  })
  server.on('request', (request: { url?: string }) => {
    targets.push(request.url ?? '')
  })
  if (credentials) {
    const expected =
      'Basic ' +
      Buffer.from(`${credentials.username}:${credentials.password}`).toString(
        'base64'
      )
    server.authenticate = request =>
      request.headers['proxy-authorization'] === expected
  }
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    connections: () => connections,
    targets,
    stop: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}
