/**
 * A loopback stand-in for the GitHub REST API's attestations endpoint,
 * `POST /repos/{owner}/{repo}/attestations`, that stores what it was sent.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One request the stand-in received. */
export interface ReceivedRequest {
  readonly method: string
  readonly path: string
  readonly authorization: string
  /** The parsed JSON body; `undefined` for a body that is not JSON. */
  readonly body: unknown
}

/** A running stand-in. */
export interface AttestationsStandIn {
  /** The value for GITHUB_API_URL. */
  readonly url: string
  readonly requests: ReceivedRequest[]
  /** Makes the next create request fail with this status. */
  rejectNext(status: number): void
  stop(): Promise<void>
}

const CREATE = /^\/repos\/[^/]+\/[^/]+\/attestations$/

/** Starts the stand-in; each stored attestation gets the next id. */
export async function startAttestationsStandIn(
  firstId = 4100
): Promise<AttestationsStandIn> {
  const requests: ReceivedRequest[] = []
  let nextId = firstId
  let rejection: number | undefined
  const server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      const path = request.url ?? '/'
      requests.push({
        method: request.method ?? '',
        path,
        authorization: request.headers.authorization ?? '',
        body: parseJson(Buffer.concat(chunks).toString('utf8'))
      })
      const found = request.method === 'POST' && CREATE.test(path)
      const status = found ? (rejection ?? 201) : 404
      rejection = undefined
      response.writeHead(status, { 'content-type': 'application/json' })
      response.end(
        JSON.stringify(status === 201 ? { id: nextId++ } : { message: 'No' })
      )
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    rejectNext: status => {
      rejection = status
    },
    stop: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown
  } catch {
    return undefined
  }
}
