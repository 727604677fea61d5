import type { ReplayableBody } from '../http/transport.js'
import type { StorageFile } from './storage-file.js'

/**
 * The size of one part of a chunked upload: 8 MiB. It is a multiple of
 * the 256 KiB that Google Cloud Storage requires of resumable upload
 * chunks, and far below Azure's 4000 MiB limit for one block. It also
 * bounds the memory of an upload, because each chunk is kept for retries.
 */
export const CHUNK_BYTES = 8 * 2 ** 20

/** One part of a file, held in memory so that a retry can resend it. */
export interface FileChunk {
  /** The offset of the chunk's first byte in the file. */
  readonly offset: number
  readonly bytes: Buffer
}

/**
 * Reads a file once, from the start, in chunks of `size` bytes; only the
 * last chunk may be shorter. An empty file yields no chunk.
 */
export async function* readChunks(
  file: StorageFile,
  size: number = CHUNK_BYTES
): AsyncGenerator<FileChunk> {
  let pending: Buffer[] = []
  let pendingBytes = 0
  let offset = 0
  for await (const piece of file.open() as AsyncIterable<Buffer>) {
    let rest = piece
    while (pendingBytes + rest.length >= size) {
      const take = size - pendingBytes
      pending.push(rest.subarray(0, take))
      rest = rest.subarray(take)
      yield { offset, bytes: Buffer.concat(pending, size) }
      offset += size
      pending = []
      pendingBytes = 0
    }
    if (rest.length > 0) {
      pending.push(rest)
      pendingBytes += rest.length
    }
  }
  if (pendingBytes > 0) {
    yield { offset, bytes: Buffer.concat(pending, pendingBytes) }
  }
}

/** Wraps bytes in memory as a request body that can be sent again. */
export function bufferBody(bytes: Buffer, contentType: string): ReplayableBody {
  return {
    contentType,
    length: bytes.length,
    open: () => bytes
  }
}

/** Wraps a whole file as a request body that reopens it for a retry. */
export function fileBody(file: StorageFile): ReplayableBody {
  return {
    contentType: 'application/octet-stream',
    length: file.size,
    open: () => file.open()
  }
}
