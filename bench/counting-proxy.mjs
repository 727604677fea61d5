// A reverse proxy on 127.0.0.1 that forwards every request to one MLflow
// server and counts them, so that the benchmark can report how many HTTP
// requests a registration makes and when a process sent its first one.
import { Agent, createServer, request } from 'node:http'

/**
 * Starts the proxy in front of `target` (an http://127.0.0.1 URL), on
 * `port` or a free port. Bodies are streamed in both directions, so large
 * uploads pass through without being buffered.
 * @param {string} target
 * @param {number} [port]
 * @returns {Promise<{ url: string, count: () => number,
 *   firstRequestAt: () => bigint | undefined, reset: () => void,
 *   close: () => Promise<void> }>}
 */
export async function startCountingProxy(target, port = 0) {
  const upstream = new URL(target)
  const agent = new Agent({ keepAlive: true, maxSockets: 32 })
  let requests = 0
  let first
  const server = createServer((incoming, outgoing) => {
    requests++
    first ??= process.hrtime.bigint()
    const forwarded = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: upstream.host },
        agent
      },
      response => {
        outgoing.writeHead(response.statusCode ?? 502, response.headers)
        response.pipe(outgoing)
      }
    )
    forwarded.on('error', error => {
      outgoing.destroy(error)
    })
    incoming.pipe(forwarded)
  })
  server.keepAliveTimeout = 10_000
  await new Promise(resolve => server.listen(port, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    count: () => requests,
    firstRequestAt: () => first,
    reset: () => {
      requests = 0
      first = undefined
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
      agent.destroy()
    }
  }
}
