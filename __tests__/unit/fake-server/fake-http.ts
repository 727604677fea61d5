/** Requests to an in-process fake for the unit tests. */
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http'

import type { FakeServer } from '../../../src/fake-server/index.js'

/** The parts of a response the unit tests assert on. */
export interface RawReply {
  readonly status: number
  readonly headers: IncomingHttpHeaders
  readonly text: string
}

/** Options of one request. */
export interface RawRequest {
  readonly method?: string
  readonly headers?: Readonly<Record<string, string>>
  /** JSON to send with `Content-Type: application/json`. */
  readonly json?: unknown
  readonly body?: string | Buffer
  /** Sends the body with chunked encoding and no `Content-Length`. */
  readonly chunked?: boolean
}

/** MLflow's REST path of an endpoint below `/api/2.0/mlflow/`. */
export function api(endpoint: string): string {
  return `/api/2.0/mlflow/${endpoint}`
}

/**
 * Sends one request with node:http, which, unlike fetch, can set any
 * Host header and send a body without a length.
 */
export function send(
  server: FakeServer,
  path: string,
  options: RawRequest = {}
): Promise<RawReply> {
  const headers: Record<string, string> = { ...options.headers }
  let body = options.body
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json'
    body = JSON.stringify(options.json)
  }
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        host: '127.0.0.1',
        port: server.port,
        method: options.method ?? (body === undefined ? 'GET' : 'POST'),
        path,
        headers
      },
      response => {
        const chunks: Buffer[] = []
        response.on('data', (chunk: Buffer) => chunks.push(chunk))
        response.on('end', () => {
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            text: Buffer.concat(chunks).toString('utf8')
          })
        })
        response.on('error', reject)
      }
    )
    outgoing.on('error', reject)
    if (options.chunked) outgoing.setHeader('transfer-encoding', 'chunked')
    else if (body !== undefined) {
      outgoing.setHeader('content-length', Buffer.byteLength(body))
    }
    outgoing.end(body)
  })
}

/** Sends a request and parses the JSON body of the reply. */
export async function sendJson(
  server: FakeServer,
  path: string,
  options: RawRequest = {}
): Promise<{ status: number; body: Record<string, unknown> }> {
  const reply = await send(server, path, options)
  return {
    status: reply.status,
    body: JSON.parse(reply.text) as Record<string, unknown>
  }
}

/** Builds a Basic `Authorization` header value. */
export function basic(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}
