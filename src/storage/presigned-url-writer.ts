import type { ReplayableBody } from '../http/transport.js'
import { fileBody } from './file-chunks.js'
import { storageClient } from './storage-client.js'
import type { StorageFile } from './storage-file.js'
import { isStorageRejection } from './storage-rejected.js'
import type { WriterContext, WriterFactory } from './storage-writer.js'
import { createUploadUrl, type UploadUrl } from './upload-url.js'

/**
 * Writes to Databricks default storage, whose credentials response has
 * `storage_mode: DEFAULT_STORAGE` and no cloud credentials. As in MLflow
 * 3.17, each file gets its own presigned URL from the workspace's Files
 * API, for `/Models/<catalog>/<schema>/<model>/<version>/<path>`, and
 * its bytes go in one PUT to that URL without the workspace's
 * credentials. A URL that the storage rejects, such as one that expired
 * while earlier files were sent, is replaced once.
 */
export const presignedUrlWriter: WriterFactory = context => {
  if (context.credentials.storage_mode !== 'DEFAULT_STORAGE') return undefined
  const { name, version } = context.version
  const root = `/Models/${name.split('.').join('/')}/${version}`
  return {
    refreshesItself: true,
    // NOTE: each file goes in one PUT, as in MLflow 3.17, so a file larger
    // than the storage accepts in one PUT (5 GiB on S3) fails.
    async put(file) {
      const path = `${root}/${file.relativePath}`
      const mask = context.http.options.mask
      const first = await createUploadUrl(context.http, path, mask)
      try {
        await putToUrl(context, first, file, path)
      } catch (error) {
        if (!isStorageRejection(error)) throw error
        context.log.info(
          `The storage rejected the presigned URL for ${path}; requesting ` +
            'a new URL and sending the file once more'
        )
        const second = await createUploadUrl(context.http, path, mask)
        await putToUrl(context, second, file, path)
      }
    }
  }
}

/**
 * Sends a file in one PUT to a presigned URL, with the headers issued
 * with it. The URL's query is its credential: the client logs and
 * reports the URL without it.
 */
async function putToUrl(
  context: WriterContext,
  upload: UploadUrl,
  file: StorageFile,
  path: string
): Promise<void> {
  const { url, headers } = upload
  const storage = storageClient(context, new URL(url.origin))
  await storage.send({
    method: 'PUT',
    path: url.pathname,
    query: queryOf(url),
    headers,
    body: bodyOf(file, headers['content-type']),
    operation: 'upload model file to a presigned URL',
    resource: path,
    idempotent: true
  })
}

/** Returns a URL's query parameters, a repeated name as an array. */
function queryOf(url: URL): Record<string, string[]> {
  const query: Record<string, string[]> = {}
  for (const [name, value] of url.searchParams) {
    query[name] = [...(query[name] ?? []), value]
  }
  return query
}

/**
 * Returns the file's body with the content type the URL was issued
 * for, because a signature may cover it.
 */
function bodyOf(file: StorageFile, contentType?: string): ReplayableBody {
  const body = fileBody(file)
  return contentType ? { ...body, contentType } : body
}
