import { forEachBounded } from '../async/bounded-pool.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { ApiResponse, HttpClient } from '../http/transport.js'
import { ARTIFACTS_API } from './api-paths.js'
import { encodePath, listProxyFiles } from './artifacts.js'

/**
 * Lists the file sizes directly below a path of the artifact proxy, by
 * file name; directories are left out. MLflow lists an empty file with
 * no size, because its JSON leaves out fields that are zero.
 */
export async function listArtifactSizes(
  http: HttpClient,
  path: string
): Promise<Map<string, number>> {
  const sizes = new Map<string, number>()
  for (const file of await listProxyFiles(http, path)) {
    if (!file.is_dir) sizes.set(file.path, Number(file.file_size ?? 0))
  }
  return sizes
}

/**
 * Downloads a small text file through the proxy and checks its length
 * against the size the listing records. MLflow streams downloads chunked,
 * without `Content-Length`, so a proxy that loses the body still passes
 * on status 200: a short body is read once more, then reported.
 */
export async function downloadCheckedText(
  http: HttpClient,
  path: string
): Promise<string> {
  const parent = path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : ''
  const name = path.slice(parent.length ? parent.length + 1 : 0)
  const expected = (await listArtifactSizes(http, parent)).get(name)
  let response = await download(http, path)
  if (expected === undefined) return response.text
  for (let attempt = 1; ; attempt++) {
    const received = Buffer.byteLength(response.text)
    if (received === expected) return response.text
    if (attempt >= 2) throw shortDownload(path, expected, received, response)
    response = await download(http, path)
  }
}

function download(http: HttpClient, path: string): Promise<ApiResponse> {
  return http.send({
    method: 'GET',
    path: `${ARTIFACTS_API}/${encodePath(path)}`,
    operation: 'download artifact',
    resource: `artifact ${path}`,
    idempotent: true
  })
}

function header(response: ApiResponse, name: string): string | undefined {
  const value = response.headers[name]
  return Array.isArray(value) ? value.join(', ') : value
}

function shortDownload(
  path: string,
  expected: number,
  received: number,
  response: ApiResponse
): DiagnosedError {
  const headerText = (name: string) => header(response, name) ?? '(none)'
  const headers =
    `Transfer-Encoding: ${headerText('transfer-encoding')}, ` +
    `Content-Length: ${headerText('content-length')}, ` +
    `Server: ${headerText('server')}, Via: ${headerText('via')}`
  const server = header(response, 'server')
  const via = header(response, 'via')
  return new DiagnosedError(
    diagnose(
      'SERVER_CONFIG',
      `The artifact proxy returned HTTP ${response.status} for ${path} ` +
        `with ${received} bytes, twice, but the file has ${expected} ` +
        `bytes (${headers}). An intermediary is cutting streamed answers.`,
      'Turn off response buffering for the MLflow API in the reverse ' +
        'proxy (nginx: proxy_buffering off) and make sure it talks HTTP/1.1 ' +
        'to MLflow (nginx: proxy_http_version 1.1).',
      {
        request: `GET ${ARTIFACTS_API}/${path}`,
        status: response.status,
        ...(server === undefined ? {} : { server }),
        ...(via === undefined ? {} : { via })
      },
      'An artifact download arrived incomplete'
    )
  )
}

/** A file that was uploaded, by its path below the upload root. */
export interface UploadedFile {
  readonly relativePath: string
  readonly size: number
}

/**
 * Checks the size the artifact proxy lists for each uploaded file, so
 * that no version is created from files a proxy cut short: an upload can
 * get a 200 although the body that arrived was shorter.
 */
export async function verifyUploadedSizes(
  http: HttpClient,
  root: string,
  files: readonly UploadedFile[]
): Promise<void> {
  const stored = await listStoredSizes(http, root, files)
  for (const file of files) {
    const size = stored.get(file.relativePath)
    if (size !== file.size) throw shortUpload(root, file, size)
  }
}

/** Directories listed at once when checking the stored sizes. */
const LIST_CONCURRENCY = 8

/**
 * Lists the sizes the artifact proxy records for `files` below `root`,
 * by relative path, with one listing per directory. Files the proxy does
 * not list are left out.
 */
export async function listStoredSizes(
  http: HttpClient,
  root: string,
  files: readonly UploadedFile[]
): Promise<Map<string, number>> {
  const byDirectory = new Map<string, UploadedFile[]>()
  for (const file of files) {
    const slash = file.relativePath.lastIndexOf('/')
    const directory = slash < 0 ? '' : file.relativePath.slice(0, slash)
    const group = byDirectory.get(directory)
    if (group) group.push(file)
    else byDirectory.set(directory, [file])
  }
  const stored = new Map<string, number>()
  const groups = [...byDirectory]
  await forEachBounded(groups, LIST_CONCURRENCY, async ([directory, group]) => {
    const listed = directory ? `${root}/${directory}` : root
    const sizes = await listArtifactSizes(http, listed)
    for (const file of group) {
      // The proxy lists the names directly below the path it was given.
      const name = file.relativePath.slice(directory ? directory.length + 1 : 0)
      const size = sizes.get(name)
      if (size !== undefined) stored.set(file.relativePath, size)
    }
  })
  return stored
}

function shortUpload(
  root: string,
  file: UploadedFile,
  stored: number | undefined
): DiagnosedError {
  const listing =
    stored === undefined ? 'does not list it' : `lists ${stored} bytes`
  return new DiagnosedError(
    diagnose(
      'SERVER_CONFIG',
      `After the upload of ${root}/${file.relativePath} (${file.size} ` +
        `bytes) was accepted, the artifact proxy ${listing}. A proxy or the ` +
        'artifact store lost part of the body, so no model version was ' +
        'created.',
      'Check the body size and timeout limits of the proxies in front of ' +
        'MLflow and the free space of its artifact store, then run again.',
      {},
      'An uploaded artifact is incomplete'
    )
  )
}
