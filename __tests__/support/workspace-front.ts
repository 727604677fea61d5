/**
 * A stand-in for a Databricks workspace's single origin: a loopback
 * reverse proxy that sends `/oidc/*` to the OAuth provider and every
 * other path to MLflow (or, when given, Unity Catalog's registry paths
 * to its stand-in), as a workspace serves its token endpoint and its
 * MLflow API from one host.
 */
import {
  createServer,
  request as forward,
  type IncomingMessage,
  type ServerResponse
} from 'node:http'
import type { AddressInfo } from 'node:net'

/** A running front and the origin it serves. */
export interface WorkspaceFront {
  /** `http://127.0.0.1:<port>`, the value for DATABRICKS_HOST. */
  readonly url: string
  stop(): Promise<void>
}

/** Starts the front for a provider and an MLflow server on loopback. */
export async function startWorkspaceFront(targets: {
  readonly provider: string
  readonly mlflow: string
  /**
   * The Unity Catalog stand-in, for `/api/2.0/mlflow/unity-catalog/` and
   * the Files API below `/api/2.0/fs/`.
   */
  readonly unityCatalog?: string
  /** Sees each request before it is relayed, to record its headers. */
  readonly onRequest?: (request: IncomingMessage) => void
}): Promise<WorkspaceFront> {
  const server = createServer((request, response) => {
    targets.onRequest?.(request)
    const path = request.url ?? '/'
    const target = path.startsWith('/oidc/')
      ? targets.provider
      : targets.unityCatalog &&
          (path.startsWith('/api/2.0/mlflow/unity-catalog/') ||
            path.startsWith('/api/2.0/fs/'))
        ? targets.unityCatalog
        : targets.mlflow
    relay(request, response, new URL(path, target))
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      server.closeAllConnections()
      await new Promise(resolve => server.close(resolve))
    }
  }
}

function relay(
  request: IncomingMessage,
  response: ServerResponse,
  target: URL
): void {
  const outgoing = forward(
    target,
    {
      method: request.method,
      headers: { ...request.headers, host: target.host }
    },
    answer => {
      response.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(response)
    }
  )
  outgoing.on('error', () => {
    response.writeHead(502).end()
  })
  request.pipe(outgoing)
}
