import { BearerAuth } from '../auth/bearer.js'
import { maskSecret } from '../config/secrets.js'
import type { HttpClient } from '../http/transport.js'
import { bufferBody, CHUNK_BYTES, fileBody, readChunks } from './file-chunks.js'
import { parseGcsLocation } from './gcs-location.js'
import { storageClient } from './storage-client.js'
import type { StorageFile } from './storage-file.js'
import type { WriterFactory } from './storage-writer.js'

/** The status with which GCS acknowledges a chunk of a resumable upload. */
const RESUME_INCOMPLETE = 308

/**
 * Writes to a `gs://` location with `gcp_oauth_token` through the JSON
 * API, the token sent as a bearer token. A file up to one chunk is one
 * simple media upload. A larger file is a resumable upload, streamed in
 * chunks, as the Python client that MLflow 3.17 uses switches to
 * resumable uploads above 8 MiB.
 */
export const gcsWriter: WriterFactory = context => {
  const token = context.credentials.gcp_oauth_token?.oauth_token
  const location = parseGcsLocation(context.location)
  if (!token || !location) return undefined
  const mask = context.http.options.mask
  if (mask) maskSecret(mask, token)

  const auth = new BearerAuth(token, 'Authorization')
  const storage = storageClient(context, context.endpoints.gcs.url, auth)
  const bucket = encodeURIComponent(location.bucket)
  const uploadPath = `upload/storage/v1/b/${bucket}/o`
  return {
    async put(file) {
      const name = location.prefix
        ? `${location.prefix}/${file.relativePath}`
        : file.relativePath
      const resource = `gs://${location.bucket}/${name}`
      if (file.size <= CHUNK_BYTES) {
        await storage.send({
          method: 'POST',
          path: uploadPath,
          query: { uploadType: 'media', name },
          body: fileBody(file),
          operation: 'upload model file to Google Cloud Storage',
          resource,
          idempotent: true
        })
        return
      }
      const session = await startResumable(
        storage,
        uploadPath,
        { name, resource },
        file
      )
      await sendChunks(storage, session, file, resource)
    }
  }
}

/** Starts a resumable upload and returns its session URI. */
async function startResumable(
  storage: HttpClient,
  uploadPath: string,
  object: { readonly name: string; readonly resource: string },
  file: StorageFile
): Promise<URL> {
  const { name, resource } = object
  const response = await storage.send({
    method: 'POST',
    path: uploadPath,
    query: { uploadType: 'resumable', name },
    headers: {
      'x-upload-content-type': 'application/octet-stream',
      'x-upload-content-length': String(file.size)
    },
    json: {},
    operation: 'start a resumable upload to Google Cloud Storage',
    resource,
    idempotent: true
  })
  const location = response.headers.location
  if (typeof location !== 'string') {
    throw new Error(
      'Google Cloud Storage started a resumable upload without a ' +
        `session URI in Location, for ${resource}`
    )
  }
  return new URL(location, storage.options.baseUrl)
}

/**
 * Sends a file's chunks to a resumable upload session. Every chunk but
 * the last is acknowledged with 308. The session URI is the credential
 * of the upload, so requests to it are sent to the endpoint's origin
 * only, where the bearer token goes as well.
 */
async function sendChunks(
  storage: HttpClient,
  session: URL,
  file: StorageFile,
  resource: string
): Promise<void> {
  if (session.origin !== storage.options.baseUrl.origin) {
    throw new Error(
      `Google Cloud Storage returned a session URI on ${session.origin}, ` +
        `not on ${storage.options.baseUrl.origin}, for ${resource}`
    )
  }
  const query = Object.fromEntries(session.searchParams)
  let index = 0
  for await (const chunk of readChunks(file)) {
    index++
    const end = chunk.offset + chunk.bytes.length
    // GCS may persist only part of a chunk. Its 308 then names the bytes
    // it persisted, so the rest of the chunk is sent again.
    let from = chunk.offset
    for (let attempt = 1; from < end; attempt++) {
      if (attempt > MAX_PARTIAL_RESENDS) {
        throw new Error(
          `Google Cloud Storage kept only ${from} of ${end} bytes of ` +
            `${resource} after ${MAX_PARTIAL_RESENDS} attempts`
        )
      }
      const response = await storage.send({
        method: 'PUT',
        path: session.pathname,
        query,
        headers: {
          'content-range': `bytes ${from}-${end - 1}/${file.size}`
        },
        body: bufferBody(
          chunk.bytes.subarray(from - chunk.offset),
          'application/octet-stream'
        ),
        acceptStatus: [RESUME_INCOMPLETE],
        operation: `upload chunk ${index} of a file to Google Cloud Storage`,
        resource,
        idempotent: true
      })
      if (response.status !== RESUME_INCOMPLETE) {
        if (end === file.size) return
        throw new Error(
          `Google Cloud Storage finished the upload of ${resource} after ` +
            `${end} of ${file.size} bytes`
        )
      }
      from = persistedBytes(response.headers.range, chunk.offset, resource)
    }
  }
}

/** How often the rest of one chunk is sent again before the upload fails. */
const MAX_PARTIAL_RESENDS = 5

/**
 * Reads how many bytes a resumable session has persisted from a 308's
 * `Range` (`bytes=0-N`), zero when the 308 has no `Range`. A count below
 * the chunk's start means bytes of an earlier chunk were lost, which a
 * chunk kept in memory cannot restore.
 */
export function persistedBytes(
  range: string | string[] | undefined,
  chunkOffset: number,
  resource: string
): number {
  const match = /^bytes=0-(\d+)$/.exec(String(range ?? '').trim())
  const persisted = match?.[1] === undefined ? 0 : Number(match[1]) + 1
  if (persisted < chunkOffset) {
    throw new Error(
      `Google Cloud Storage lost bytes of ${resource}: it has persisted ` +
        `${persisted} bytes, fewer than the ${chunkOffset} it confirmed ` +
        'before. Run the registration again to upload the file anew.'
    )
  }
  return persisted
}
