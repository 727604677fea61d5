/**
 * An HTTPS proxy on loopback that tunnels CONNECT requests for chosen
 * host names to loopback ports and rejects every other target. Clients
 * that read HTTPS_PROXY thus reach a loopback stand-in under a service's
 * own host name, and nothing leaves the machine.
 */
import { createServer } from 'node:http'
import { connect, type AddressInfo, type Socket } from 'node:net'

/** A running router. */
export interface ConnectRouter {
  /** The value for HTTPS_PROXY. */
  readonly url: string
  /** Every CONNECT target, as `host:port`, routed or rejected. */
  readonly targets: string[]
  stop(): Promise<void>
}

/**
 * Starts the router. `routes` maps a CONNECT target (`host:port`) to the
 * loopback port that serves it.
 */
export async function startConnectRouter(
  routes: Readonly<Record<string, number>>
): Promise<ConnectRouter> {
  const targets: string[] = []
  const sockets = new Set<Socket>()
  const server = createServer((_request, response) => {
    response.writeHead(405).end()
  })
  server.on('connect', (request, client: Socket, head: Buffer) => {
    const target = request.url ?? ''
    targets.push(target)
    const port = routes[target]
    if (port === undefined) {
      client.end('HTTP/1.1 403 Forbidden\r\n\r\n')
      return
    }
    const upstream = connect(port, '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n')
      upstream.write(head)
      upstream.pipe(client)
      client.pipe(upstream)
    })
    for (const socket of [client, upstream]) {
      sockets.add(socket)
      socket.on('close', () => sockets.delete(socket))
      socket.on('error', () => {
        client.destroy()
        upstream.destroy()
      })
    }
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    targets,
    stop: async () => {
      for (const socket of sockets) socket.destroy()
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}
