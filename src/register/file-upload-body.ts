import { Readable } from 'node:stream'

import { releasingChunks } from '../http/chunk-memory.js'
import type { UploadBody } from '../mlflow/artifacts.js'
import { nodeCrypto } from '../node-crypto.js'
import { countOf } from '../text/plural.js'
import {
  changedContents,
  changedSinceListing,
  closeListedFile,
  listedFileChunks,
  openListedFile
} from './listed-file-reads.js'
import type { ListedFile, ModelFile } from './model-directory.js'

/**
 * The size of one read from a file being uploaded. Larger reads than a
 * file stream's 64 KiB mean fewer chunks for the upload to pass on.
 */
const READ_CHUNK = 2 ** 20

/** The body of one file's upload, and the digest of what it sent. */
export interface FileUploadBody extends UploadBody {
  /**
   * The SHA-256 in hex of the bytes that the last attempt read from the
   * file, once it read all of them and found the end. A body sent from
   * memory has none, because its bytes are the ones already hashed.
   */
  sentDigest(): string | undefined
}

/**
 * Returns the body that uploads a listed file: its kept bytes, else the
 * file read from disk and hashed on the way. The file is opened as the
 * hashing opened it, without following a link and only as a regular
 * file, so a file replaced by a link since the listing is not sent under
 * its name. Each attempt reads and hashes the file from its start.
 * `onProgress` receives the bytes read so far as each chunk goes on.
 */
export function fileUploadBody(
  file: ListedFile | ModelFile,
  onProgress?: (sentBytes: number) => void
): FileUploadBody {
  const contents = 'contents' in file ? file.contents : undefined
  let attempt: Attempt | undefined
  return {
    size: file.size,
    path: file.absolutePath,
    open: () => {
      if (contents) return contents
      attempt = { hash: nodeCrypto().createHash('sha256'), bytes: 0 }
      const chunks = readAndHash(file, attempt, onProgress)
      return file.size > READ_CHUNK
        ? releasingChunks(chunks)
        : Readable.from(chunks, { objectMode: false })
    },
    sentDigest: () => attempt?.hex
  }
}

/** The hash and byte count of one attempt's read. */
interface Attempt {
  readonly hash: ReturnType<ReturnType<typeof nodeCrypto>['createHash']>
  bytes: number
  hex?: string
}

/**
 * Reads a file in chunks of up to {@link READ_CHUNK} and hashes each as
 * it passes. A file up to one read gets a buffer of its own size plus one
 * byte: a file stream allocates its read size for every read, and with
 * 1 MiB buffers 2,000 files of 4 KiB allocated 4 GiB.
 *
 * The chunk that completes the listed size is held back until the read
 * finds the end of the file and the hash matches the one taken before,
 * if any. A file that grew, shrank or changed since then stops the
 * request before the server has all of its bytes, so the server stores
 * no such file as a success.
 */
async function* readAndHash(
  file: ListedFile | ModelFile,
  attempt: Attempt,
  onProgress: ((sentBytes: number) => void) | undefined
): AsyncGenerator<Buffer> {
  const handle = await openListedFile(file)
  try {
    const chunkBytes = Math.min(READ_CHUNK, file.size + 1)
    let last: Buffer | undefined
    for await (const chunk of listedFileChunks(file, handle, chunkBytes)) {
      if (attempt.bytes + chunk.length > file.size) {
        throw changedSinceListing(sizeOf(file), 'larger')
      }
      attempt.hash.update(chunk)
      attempt.bytes += chunk.length
      onProgress?.(attempt.bytes)
      if (attempt.bytes === file.size) last = chunk
      else yield chunk
    }
    if (attempt.bytes < file.size) {
      throw changedSinceListing(sizeOf(file), 'smaller')
    }
    attempt.hex = attempt.hash.digest('hex')
    if ('sha256' in file && file.sha256 !== attempt.hex) {
      throw changedContents(file.relativePath)
    }
    if (last) yield last
  } finally {
    await closeListedFile(handle)
  }
}

function sizeOf(file: ListedFile): string {
  return `${file.relativePath} had ${countOf(file.size, 'byte')}`
}
