import { createReadStream } from 'node:fs'

import type { HttpClient } from '../http/transport.js'
import { ARTIFACTS_API } from './api-paths.js'
import { emptyResponse, listArtifactsResponse } from './schemas.js'

/**
 * Maps an `mlflow-artifacts:` URI to its path below the artifact proxy:
 * `mlflow-artifacts:/1/<run>/artifacts` becomes `1/<run>/artifacts`.
 * Returns undefined for other schemes, which the proxy does not serve.
 */
export function proxyPath(artifactUri: string): string | undefined {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/(.*)$/.exec(artifactUri)
  return match?.[1]?.replace(/\/+$/, '')
}

/** Encodes each segment of a relative path for use in a URL. */
export function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/')
}

/**
 * Uploads one file through the artifact proxy as a raw PUT. The body is
 * streamed with an explicit `Content-Length`, never chunked, so proxies
 * that enforce body limits can see the size.
 */
export async function uploadArtifact(
  http: HttpClient,
  destination: string,
  file: { readonly absolutePath: string; readonly size: number }
): Promise<void> {
  await http.json(
    {
      method: 'PUT',
      path: `${ARTIFACTS_API}/${encodePath(destination)}`,
      body: {
        contentType: 'application/octet-stream',
        length: file.size,
        open: () => createReadStream(file.absolutePath)
      },
      operation: 'upload artifact',
      resource: `artifact ${destination}`,
      idempotent: true
    },
    emptyResponse
  )
}

/** Lists the files directly below a path of the artifact proxy. */
export async function listProxyArtifacts(
  http: HttpClient,
  path: string
): Promise<string[]> {
  const response = await http.json(
    {
      method: 'GET',
      path: ARTIFACTS_API,
      query: { path },
      operation: 'list artifacts',
      resource: `artifact ${path}`,
      idempotent: true
    },
    listArtifactsResponse
  )
  return response.files.map(file => file.path)
}
