import {
  closeSync,
  constants as fsConstants,
  fstatSync,
  openSync,
  readSync,
  type Stats
} from 'node:fs'
import { open, type FileHandle } from 'node:fs/promises'

import {
  configError,
  DiagnosedError,
  diagnose
} from '../diagnosis/diagnosis.js'
import type { ListedFile } from './model-directory.js'

/**
 * Opens a file without blocking and without following a link in its
 * last component. A named pipe put in a listed file's place would block
 * the read, and a link could lead out of the model.
 */
const OPEN_FLAGS =
  fsConstants.O_RDONLY | fsConstants.O_NONBLOCK | fsConstants.O_NOFOLLOW

/**
 * Reads a listed file whole with synchronous calls, or gives undefined
 * when it has grown past `limit` bytes since the listing and must be
 * read in parts instead. It must still be a regular file.
 */
export function readSmallFile(
  file: ListedFile,
  limit: number
): Buffer | undefined {
  let descriptor: number
  try {
    descriptor = openSync(file.absolutePath, OPEN_FLAGS)
  } catch (error) {
    throw explainOpenError(file, error)
  }
  try {
    checkListed(
      file,
      statOpen(file, () => fstatSync(descriptor))
    )
    // One byte more than the listed size shows whether the file grew.
    const buffer = Buffer.allocUnsafe(file.size + 1)
    const length = readInto(file, descriptor, buffer)
    if (length <= file.size) return buffer.subarray(0, length)
    const rest = Buffer.allocUnsafe(Math.max(0, limit + 1 - length))
    const more = readInto(file, descriptor, rest)
    if (length + more > limit) return undefined
    return Buffer.concat([buffer, rest.subarray(0, more)])
  } finally {
    try {
      closeSync(descriptor)
    } catch {
      // See closeListedFile.
    }
  }
}

/** Reads the status of an open listed file, with a failure explained. */
function statOpen(file: ListedFile, stat: () => Stats): Stats {
  try {
    return stat()
  } catch (error) {
    throw explainReadError(file, error)
  }
}

/** Reads until the buffer is full or the file ends, and returns the length. */
function readInto(file: ListedFile, descriptor: number, buffer: Buffer) {
  let length = 0
  let read = -1
  try {
    while (read !== 0 && length < buffer.length) {
      read = readSync(descriptor, buffer, length, buffer.length - length, null)
      length += read
    }
  } catch (error) {
    throw explainReadError(file, error)
  }
  return length
}

/**
 * Opens a listed file to read through Node's thread pool, with the same
 * checks as {@link readSmallFile}. The caller closes the handle.
 */
export async function openListedFile(file: ListedFile): Promise<FileHandle> {
  let handle: FileHandle
  try {
    handle = await open(file.absolutePath, OPEN_FLAGS)
  } catch (error) {
    throw explainOpenError(file, error)
  }
  try {
    const info = await handle.stat().catch((error: unknown) => {
      throw explainReadError(file, error)
    })
    checkListed(file, info)
  } catch (error) {
    await closeListedFile(handle)
    throw error
  }
  return handle
}

/**
 * Closes a file that was opened only to read. Such a file has nothing to
 * write back, so an error while closing it changes nothing that was read,
 * and it must not replace the error or the result of the read.
 */
export async function closeListedFile(handle: FileHandle): Promise<void> {
  await handle.close().catch(() => undefined)
}

/**
 * Reads an open listed file from its start in chunks of up to
 * `chunkBytes`, with a failed read explained as the file's. The caller
 * closes the handle.
 */
export async function* listedFileChunks(
  file: ListedFile,
  handle: FileHandle,
  chunkBytes: number
): AsyncGenerator<Buffer> {
  const chunks = handle.createReadStream({
    start: 0,
    highWaterMark: chunkBytes,
    autoClose: false
  })
  try {
    yield* chunks as AsyncIterable<Buffer>
  } catch (error) {
    throw explainReadError(file, error)
  }
}

/**
 * Explains the open errors that mean a file was replaced or removed
 * since the listing: a socket cannot be opened (ENXIO), a link is not
 * followed (ELOOP), and a file or a folder on its path is gone (ENOENT,
 * ENOTDIR). Other errors of the file system are explained as a file that
 * cannot be read.
 */
function explainOpenError(file: ListedFile, error: unknown): unknown {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENXIO') return replaced(file, 'a socket')
  if (code === 'ELOOP') return replaced(file, 'a symbolic link')
  if (code === 'ENOENT' || code === 'ENOTDIR') return replaced(file, 'gone')
  return explainReadError(file, error)
}

/**
 * Errors that show that the model directory cannot be read as given,
 * such as missing permissions: an invalid `model-path`.
 */
const INPUT_ERRORS = new Set(['EACCES', 'EISDIR', 'ENAMETOOLONG', 'EPERM'])

/** Limits of the machine that runs the registration, not of the file. */
const LIMIT_ERRORS = new Set([
  'EAGAIN',
  'EMFILE',
  'ENFILE',
  'ENOBUFS',
  'ENOMEM'
])

/**
 * Explains an error of the system while a listed file is opened, read or
 * inspected: missing permissions as an invalid `model-path`, a limit such
 * as EMFILE as the machine's, and any other, such as EIO or the ESTALE
 * of a network mount, as the file system's. Each is a diagnosis, because
 * the upload takes any other error for a failed connection, and so a
 * local failure for the server's. An error without a system call, such
 * as a diagnosis or an abort, passes unchanged.
 */
export function explainReadError(file: ListedFile, error: unknown): unknown {
  if (!(error instanceof Error)) return error
  const { syscall, code } = error as NodeJS.ErrnoException
  if (syscall === undefined || code === undefined) return error
  const failed = `${file.relativePath} could not be read: ${syscall} failed`
  if (INPUT_ERRORS.has(code)) {
    return configError(
      'input `model-path`',
      `${failed} with ${code}`,
      "Make every file of the model directory readable by the runner's " +
        'user, and leave the directory unchanged while it is registered.'
    )
  }
  const limit = LIMIT_ERRORS.has(code)
  return new DiagnosedError(
    diagnose(
      'CLIENT_CONFIG',
      limit
        ? `${failed} with ${code}, a limit of the machine that runs ` +
            'the registration'
        : `${failed} with ${code}, an error of the file system`,
      limit
        ? 'Free or raise the limit (for EMFILE, the open files: ' +
            '`ulimit -n`), then run the registration again.'
        : 'Check the disk or the mount that holds the model directory ' +
            '(a network or FUSE mount may have gone away), then run the ' +
            'registration again.',
      {},
      'A model file could not be read'
    )
  )
}

/**
 * Checks that an open file is a regular file and the one the listing
 * found. A folder on its path replaced by a link since then would lead
 * to another file, perhaps outside the model.
 *
 * NOTE: a file system that numbers an unchanged file anew while it is
 * closed, such as a FUSE mount without `use_ino` or a CIFS mount with
 * `noserverino`, may fail a model here as changed.
 */
function checkListed(file: ListedFile, info: Stats): void {
  if (!info.isFile()) throw replaced(file, kindOf(info))
  if (info.dev !== file.fileId.dev || info.ino !== file.fileId.ino) {
    throw replaced(file, 'another file')
  }
}

function kindOf(info: Stats): string {
  if (info.isDirectory()) return 'a directory'
  if (info.isFIFO()) return 'a named pipe'
  if (info.isSocket()) return 'a socket'
  return 'a device'
}

/** Reports a listed file that is no longer a regular file. */
function replaced(file: ListedFile, nowIs: string): Error {
  const name = file.isSymlink
    ? `The target of ${file.relativePath}`
    : file.relativePath
  return changedSinceListing(`${name} was a regular file`, nowIs)
}

/**
 * Reports a path of the model directory that changed between the listing
 * and its read, such as a folder that is now reached through a link.
 */
export function changedSinceListing(wasWhat: string, nowIs: string): Error {
  return configError(
    'input `model-path`',
    `${wasWhat} when the model directory was listed and is now ${nowIs}`,
    'Leave the model directory unchanged while it is registered.'
  )
}

/** Reports a file whose contents differ from those hashed before. */
export function changedContents(relativePath: string): Error {
  return configError(
    'input `model-path`',
    `${relativePath} changed while the model was registered: its ` +
      'contents differ from those hashed when the directory was read',
    'Leave the model directory unchanged while it is registered.'
  )
}
