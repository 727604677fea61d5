import { PassThrough, type Readable } from 'node:stream'

import type { z } from 'zod'

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

/** The body of one file's upload, which each attempt opens again. */
export interface UploadBody {
  readonly size: number
  /** The local file that the body reads, named in diagnoses. */
  readonly path: string
  open(): Readable | Buffer
}

/**
 * Uploads one file through the artifact proxy as a raw PUT, with an
 * explicit `Content-Length`, never chunked, so proxies that enforce body
 * limits can see the size.
 */
export async function uploadArtifact(
  http: HttpClient,
  destination: string,
  body: UploadBody,
  signal?: AbortSignal
): Promise<void> {
  await http.json(
    {
      method: 'PUT',
      path: `${ARTIFACTS_API}/${encodePath(destination)}`,
      body: {
        contentType: 'application/octet-stream',
        length: body.size,
        open: () => body.open()
      },
      file: body.path,
      operation: 'upload artifact',
      resource: `artifact ${destination}`,
      idempotent: true,
      ...(signal ? { signal } : {})
    },
    emptyResponse
  )
}

/** Uploads a small text file, such as `model.sig`, as a raw PUT. */
export async function uploadArtifactText(
  http: HttpClient,
  destination: string,
  text: string
): Promise<void> {
  await http.json(
    {
      method: 'PUT',
      path: `${ARTIFACTS_API}/${encodePath(destination)}`,
      body: {
        contentType: 'application/octet-stream',
        length: Buffer.byteLength(text),
        open: () => text
      },
      operation: 'upload artifact',
      resource: `artifact ${destination}`,
      idempotent: true
    },
    emptyResponse
  )
}

/** One file or directory as the artifact proxy lists it. */
export type ProxyListing = z.infer<typeof listArtifactsResponse>['files']

/** Lists what lies directly below a path of the artifact proxy. */
export async function listProxyFiles(
  http: HttpClient,
  path: string
): Promise<ProxyListing> {
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
  return response.files
}

/** Lists the files directly below a path of the artifact proxy. */
export async function listProxyArtifacts(
  http: HttpClient,
  path: string
): Promise<string[]> {
  return (await listProxyFiles(http, path)).map(file => file.path)
}

/** One entry of an artifact proxy listing. */
export interface ArtifactEntry {
  /** The entry's name within the listed directory. */
  readonly name: string
  readonly isDir: boolean
}

/**
 * Lists the entries directly below a path of the artifact proxy, with
 * whether each is a directory. MLflow 3.17 returns base names here.
 */
export async function listProxyEntries(
  http: HttpClient,
  path: string
): Promise<ArtifactEntry[]> {
  return (await listProxyFiles(http, path)).map(file => ({
    name: file.path.split('/').pop() ?? file.path,
    isDir: file.is_dir
  }))
}

/** The operation of a download through the proxy, in request facts. */
export const DOWNLOAD_OPERATION = 'download artifact'

/**
 * Downloads a file through the proxy into `sink` as a stream, so large
 * files never sit in memory. A retry calls `sink` again from the start;
 * with `retry` false the download is tried once.
 */
export async function downloadArtifactStream(
  http: HttpClient,
  path: string,
  sink: (body: Readable) => Promise<void>,
  retry = true
): Promise<void> {
  await http.send({
    method: 'GET',
    path: `${ARTIFACTS_API}/${encodePath(path)}`,
    operation: DOWNLOAD_OPERATION,
    resource: `artifact ${path}`,
    idempotent: retry,
    sink
  })
}

/**
 * Opens a file of the artifact proxy as a stream that another request,
 * such as an upload, consumes. The download is tried once, because a
 * retry after some bytes went on would send them twice: the consumer
 * opens the file again instead. A failed download destroys the stream
 * with the transport's error, which names the tracking server.
 */
export function openArtifactStream(http: HttpClient, path: string): Readable {
  const output = new PassThrough()
  // The consumer may stop listening once its own request failed; the
  // download's error must not then end the process as unhandled.
  output.on('error', () => undefined)
  const sink = async (body: Readable): Promise<void> => {
    for await (const chunk of body) {
      if (!(await writeChunk(output, chunk as Buffer))) return
    }
    output.end()
  }
  downloadArtifactStream(http, path, sink, false).catch((error: unknown) => {
    output.destroy(error instanceof Error ? error : new Error(String(error)))
  })
  return output
}

/**
 * Writes one chunk and waits while the consumer is behind. Returns false
 * once the consumer has closed the stream, so the download stops.
 */
async function writeChunk(
  output: PassThrough,
  chunk: Buffer
): Promise<boolean> {
  if (output.destroyed) return false
  if (output.write(chunk)) return true
  await new Promise<void>(resolve => {
    const done = (): void => {
      output.off('drain', done)
      output.off('close', done)
      resolve()
    }
    output.on('drain', done)
    output.on('close', done)
  })
  return !output.destroyed
}

/** Downloads a small text file, such as `MLmodel`, through the proxy. */
export async function downloadArtifactText(
  http: HttpClient,
  path: string
): Promise<string> {
  const response = await http.send({
    method: 'GET',
    path: `${ARTIFACTS_API}/${encodePath(path)}`,
    operation: DOWNLOAD_OPERATION,
    resource: `artifact ${path}`,
    idempotent: true
  })
  return response.text
}
