/**
 * A loopback HTTP proxy that sits in front of a real server and breaks
 * chosen requests at the TCP level: a reset before or after the request
 * reaches the server, a stall, a truncated body, a slow body, or a status
 * in place of the server's response. Faults select requests by method, path
 * and occurrence, so a test can break, say, the second version search.
 */
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

/** What a fault does to the request it selects. */
export type FaultAction =
  /** Sends a TCP reset to the client; the request never reaches the server. */
  | { readonly kind: 'reset-before' }
  /** Forwards the request, waits for the response, then resets the client. */
  | { readonly kind: 'reset-after' }
  /** Holds the request unanswered and never forwards it. */
  | { readonly kind: 'stall' }
  /** Forwards the request, then never sends the response. */
  | { readonly kind: 'stall-after' }
  /** Forwards, then sends the headers and half the body and closes. */
  | { readonly kind: 'truncate' }
  /** Forwards, then sends the body in small chunks with pauses. */
  | {
      readonly kind: 'slow'
      readonly chunkBytes: number
      readonly pauseMs: number
    }
  /** Sends this response and never forwards the request. */
  | { readonly kind: 'respond'; readonly response: CannedAnswer }
  /** Forwards the request, then sends this response instead. */
  | { readonly kind: 'respond-after'; readonly response: CannedAnswer }

/** A response the proxy sends in place of the server's. */
export interface CannedAnswer {
  readonly status: number
  readonly headers?: Readonly<Record<string, string>>
  readonly body?: string
}

/** One fault: which requests it selects and what it does to them. */
export interface ProxyFault {
  /** The HTTP method to match; every method when absent. */
  readonly method?: string
  /** A suffix of the URL path, such as `model-versions/create`. */
  readonly path: string
  /** The first matching request (1-based) the fault acts on; 1 if absent. */
  readonly nth?: number
  /** How many matching requests from `nth` on it acts on; 1 if absent. */
  readonly times?: number
  readonly action: FaultAction
}

/** One request the proxy received, with the fault it applied. */
export interface ProxiedRequest {
  readonly method: string
  readonly path: string
  readonly fault?: FaultAction['kind']
  /**
   * The status of the complete response the client got, the server's own
   * or a canned one. It is absent while the exchange runs, when the proxy
   * reset, stalled or truncated the response, and when the client closed
   * the connection before the response was sent.
   */
  readonly status?: number
}

/** A request record whose status is set once the exchange ends. */
type RecordedRequest = {
  -readonly [K in keyof ProxiedRequest]: ProxiedRequest[K]
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`, plus the upstream's base path. */
  readonly url: string
  readonly requests: ProxiedRequest[]
  /** Replaces the faults; occurrence counts start again from zero. */
  setFaults(faults: readonly ProxyFault[]): void
  close(): Promise<void>
}

interface Upstream {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly body: Buffer
}

/** Headers that describe one hop and are not passed on. */
const HOP_HEADERS = new Set([
  'connection',
  'keep-alive',
  'transfer-encoding',
  'content-length',
  'host'
])

/** Starts a proxy on 127.0.0.1 that forwards to `upstreamUrl`. */
export async function startFaultProxy(
  upstreamUrl: string
): Promise<FaultProxy> {
  const upstream = new URL(upstreamUrl)
  const requests: ProxiedRequest[] = []
  const sockets = new Set<Socket>()
  let faults: readonly ProxyFault[] = []
  let counts = new Map<ProxyFault, number>()

  const select = (method: string, path: string): FaultAction | undefined => {
    for (const fault of faults) {
      if (fault.method && fault.method.toUpperCase() !== method) continue
      if (!path.endsWith(fault.path)) continue
      const seen = (counts.get(fault) ?? 0) + 1
      counts.set(fault, seen)
      const first = fault.nth ?? 1
      if (seen >= first && seen < first + (fault.times ?? 1)) {
        return fault.action
      }
    }
    return undefined
  }

  const server = createServer((incoming, outgoing) => {
    void readBody(incoming).then(async body => {
      const method = incoming.method ?? 'GET'
      const path = new URL(incoming.url ?? '/', 'http://proxy').pathname
      const action = select(method, path)
      const request: RecordedRequest = {
        method,
        path,
        ...(action ? { fault: action.kind } : {})
      }
      requests.push(request)
      // A client that timed out closes the connection before the server
      // responds, so the response never reaches it.
      const client = { abandoned: false }
      outgoing.on('close', () => {
        if (!outgoing.writableFinished) client.abandoned = true
      })
      const status = await apply(action, { incoming, outgoing, body, upstream })
      if (status !== undefined && !client.abandoned) request.status = status
    })
  })
  server.on('connection', socket => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  const base = upstream.pathname.replace(/\/$/, '')

  return {
    url: `http://127.0.0.1:${port}${base}`,
    requests,
    setFaults: next => {
      faults = next
      counts = new Map()
    },
    close: async () => {
      for (const socket of sockets) socket.destroy()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

interface Exchange {
  readonly incoming: IncomingMessage
  readonly outgoing: ServerResponse
  readonly body: Buffer
  readonly upstream: URL
}

/**
 * Applies a fault, or none, to one exchange. Returns the status of the
 * complete response the client got, or undefined when there was none.
 */
async function apply(
  action: FaultAction | undefined,
  exchange: Exchange
): Promise<number | undefined> {
  const { outgoing } = exchange
  switch (action?.kind) {
    case 'reset-before':
      outgoing.socket?.resetAndDestroy()
      return undefined
    case 'stall':
      return undefined
    case 'respond':
      answer(outgoing, action.response)
      return action.response.status
    default:
      break
  }
  let reply: Upstream
  try {
    reply = await forward(exchange)
  } catch {
    outgoing.socket?.destroy()
    return undefined
  }
  switch (action?.kind) {
    case 'reset-after':
      outgoing.socket?.resetAndDestroy()
      return undefined
    case 'stall-after':
      return undefined
    case 'respond-after':
      answer(outgoing, action.response)
      return action.response.status
    case 'truncate':
      sendTruncated(outgoing, reply)
      return undefined
    case 'slow':
      await sendSlowly(outgoing, reply, action.chunkBytes, action.pauseMs)
      return reply.status
    default:
      outgoing.writeHead(reply.status, passedHeaders(reply)).end(reply.body)
      return reply.status
  }
}

function forward(exchange: Exchange): Promise<Upstream> {
  const { incoming, body, upstream } = exchange
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value
  }
  headers.host = upstream.host
  headers['content-length'] = String(body.length)
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers
      },
      response => {
        void readBody(response).then(data => {
          resolve({
            status: response.statusCode ?? 502,
            headers: response.headers,
            body: data
          })
        }, reject)
      }
    )
    request.on('error', reject)
    request.end(body)
  })
}

function passedHeaders(reply: Upstream): Record<string, string | string[]> {
  const headers: Record<string, string | string[]> = {}
  for (const [name, value] of Object.entries(reply.headers)) {
    if (value !== undefined && !HOP_HEADERS.has(name)) headers[name] = value
  }
  headers['content-length'] = String(reply.body.length)
  return headers
}

function answer(outgoing: ServerResponse, response: CannedAnswer): void {
  const body = response.body ?? ''
  outgoing
    .writeHead(response.status, {
      'content-length': String(Buffer.byteLength(body)),
      ...response.headers
    })
    .end(body)
}

/**
 * Declares the full length, sends half the body and closes, so the client
 * gets a connection that ends early. An empty body is declared as one
 * byte long, so it is cut short too.
 */
function sendTruncated(outgoing: ServerResponse, reply: Upstream): void {
  const headers = passedHeaders(reply)
  const sent = reply.body.subarray(0, Math.floor(reply.body.length / 2))
  headers['content-length'] = String(Math.max(reply.body.length, 1))
  outgoing.writeHead(reply.status, headers)
  outgoing.write(sent, () => outgoing.socket?.destroy())
}

async function sendSlowly(
  outgoing: ServerResponse,
  reply: Upstream,
  chunkBytes: number,
  pauseMs: number
): Promise<void> {
  outgoing.writeHead(reply.status, passedHeaders(reply))
  for (let offset = 0; offset < reply.body.length; offset += chunkBytes) {
    if (outgoing.destroyed) return
    outgoing.write(reply.body.subarray(offset, offset + chunkBytes))
    await new Promise(resolve => setTimeout(resolve, pauseMs))
  }
  outgoing.end()
}

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk)
    })
    stream.on('end', () => {
      resolve(Buffer.concat(chunks))
    })
    stream.on('error', reject)
  })
}
