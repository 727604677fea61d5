// A reverse proxy on 127.0.0.1 that forwards every request to one MLflow
// server and counts them, so that the benchmark can report how many HTTP
// requests a registration makes, when a process sent its first one, and
// how long the server took to respond.
import { Agent, createServer, request } from 'node:http'

/**
 * Starts the proxy in front of `target` (an http://127.0.0.1 URL), on
 * `port` or a free port. Bodies are streamed in both directions, so large
 * uploads pass through without being buffered.
 * @param {string} target
 * @param {number} [port]
 * @returns {Promise<{ url: string, count: () => number,
 *   firstRequestAt: () => bigint | undefined, serverMs: () => number,
 *   reset: () => void, close: () => Promise<void> }>}
 */
export async function startCountingProxy(target, port = 0) {
  const upstream = new URL(target)
  const agent = new Agent({ keepAlive: true, maxSockets: 32 })
  let requests = 0
  let first
  const busy = busyTime()
  const server = createServer((incoming, outgoing) => {
    requests++
    first ??= process.hrtime.bigint()
    const done = busy.start()
    outgoing.on('close', done)
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
    serverMs: () => busy.ms(),
    reset: () => {
      requests = 0
      first = undefined
      busy.reset()
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
      agent.destroy()
    }
  }
}

/**
 * Measures the time during which at least one request was in flight, so
 * that requests sent in parallel count once.
 */
function busyTime() {
  let inFlight = 0
  let since = 0n
  let total = 0n
  return {
    start() {
      if (inFlight++ === 0) since = process.hrtime.bigint()
      let finished = false
      return () => {
        if (finished) return
        finished = true
        if (--inFlight === 0) total += process.hrtime.bigint() - since
      }
    },
    ms: () => Number(total) / 1e6,
    reset() {
      total = 0n
    }
  }
}
