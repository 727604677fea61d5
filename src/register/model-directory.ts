import {
  lstatSync,
  opendirSync,
  realpathSync,
  statSync,
  type Dir
} from 'node:fs'
import { lstat, realpath, type FileHandle } from 'node:fs/promises'
import path from 'node:path'

import { forEachBounded } from '../async/bounded-pool.js'
import { FirstFailure } from '../async/first-failure.js'
import { forEachInSlices, TimeSlicer } from '../async/time-slices.js'
import { configError } from '../diagnosis/diagnosis.js'
import { nodeCrypto } from '../node-crypto.js'
import {
  changedSinceListing,
  closeListedFile,
  explainReadError,
  openListedFile,
  readSmallFile
} from './listed-file-reads.js'

/** One file of a local model directory. */
export interface ModelFile {
  /** The path below the model directory, with `/` separators. */
  readonly relativePath: string
  readonly absolutePath: string
  readonly size: number
  /** The SHA-256 of the contents in hex. */
  readonly sha256: string
  /** Whether the path is a symbolic link, read as the file it points to. */
  readonly isSymlink: boolean
  /**
   * The device and inode that the listing found. A read checks them, so
   * a file reached through a folder replaced by a link is not read.
   */
  readonly fileId: FileId
  /** Bytes that were hashed, kept for the upload of a small file. */
  readonly contents?: Buffer
}

/** The device and inode of a file, as the listing found them. */
export interface FileId {
  readonly dev: number
  readonly ino: number
}

/** A file as the listing found it, before it is read. */
export type ListedFile = Omit<ModelFile, 'sha256' | 'contents'>

/** The files of a local model directory and a digest of their contents. */
export interface ModelDirectory {
  /** The real path of the directory, with symbolic links resolved. */
  readonly root: string
  /**
   * The last component of the path as given, which model-signing 1.1.1
   * records as the model name: a link's own name, not its target's.
   */
  readonly modelName: string
  /** Whether the path as given is itself a symbolic link. */
  readonly rootIsSymlink: boolean
  readonly files: readonly ModelFile[]
  readonly totalBytes: number
  /** SHA-256 over every file's path and SHA-256, in path order. */
  readonly contentDigest: string
}

/**
 * A model directory whose files over 64 KiB are not hashed yet, because
 * the upload hashes them as it sends them.
 */
export interface ListedModelDirectory extends Omit<
  ModelDirectory,
  'files' | 'contentDigest'
> {
  readonly files: readonly (ModelFile | ListedFile)[]
}

/**
 * Lists a model directory and hashes its files, streamed so memory stays
 * flat for large files. Symbolic links are followed only when they stay
 * inside the directory; a link out of it is rejected, so a crafted model
 * cannot upload files from elsewhere on the runner. Files up to 64 KiB
 * keep their bytes in {@link ModelFile.contents}, up to `keptBytesLimit`
 * in all, for an upload that sends them; by default none are kept.
 */
export async function readModelDirectory(
  root: string,
  keptBytesLimit = 0
): Promise<ModelDirectory> {
  const { directory, slicer } = await readFiles(root, keptBytesLimit, true)
  return completeDirectory(directory, new Map(), slicer)
}

/**
 * Lists a model directory as {@link readModelDirectory} does, but hashes
 * only the files up to 64 KiB, which it reads whole. An upload that
 * hashes the larger ones as it sends them then needs one read of them
 * instead of two.
 */
export async function listModelDirectory(
  root: string,
  keptBytesLimit: number
): Promise<ListedModelDirectory> {
  return (await readFiles(root, keptBytesLimit, false)).directory
}

/**
 * Completes a listed directory with the SHA-256 of each file it has not
 * hashed, as `digests` gives it by relative path, and computes the
 * content digest.
 */
export async function completeDirectory(
  listed: ListedModelDirectory,
  digests: ReadonlyMap<string, string>,
  slicer = new TimeSlicer()
): Promise<ModelDirectory> {
  const files = listed.files.map((file): ModelFile => {
    if ('sha256' in file) return file
    const sha256 = digests.get(file.relativePath)
    if (sha256 === undefined) {
      throw new Error(`${file.relativePath} was never hashed`)
    }
    return { ...file, sha256 }
  })
  return withContentDigest(listed, files, slicer)
}

async function readFiles(
  root: string,
  keptBytesLimit: number,
  hashLarge: boolean
): Promise<{ directory: ListedModelDirectory; slicer: TimeSlicer }> {
  const realRoot = await realpath(root)
  // One clock for the listing and the hashing, so that every stretch of
  // synchronous calls ends within a slice.
  const slicer = new TimeSlicer()
  const files = await listFiles(realRoot, slicer)
  const read = await hashFiles(files, keptBytesLimit, slicer, hashLarge)
  const given = trimTrailingSeparators(path.normalize(root))
  const directory = {
    root: realRoot,
    modelName: modelNameOf(given, realRoot),
    rootIsSymlink: (await lstat(given)).isSymbolicLink(),
    files: read,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0)
  }
  return { directory, slicer }
}

async function withContentDigest(
  listed: ListedModelDirectory,
  files: readonly ModelFile[],
  slicer: TimeSlicer
): Promise<ModelDirectory> {
  const digest = nodeCrypto().createHash('sha256')
  await forEachInSlices(
    files,
    file => digest.update(`${file.relativePath}\0${file.sha256}\n`),
    slicer
  )
  return { ...listed, files, contentDigest: digest.digest('hex') }
}

/**
 * Returns the model name as Python's `pathlib` gives it for the path:
 * its last component, or the real directory's name when that is empty
 * or `..`, as for `.`.
 */
function modelNameOf(given: string, realRoot: string): string {
  const name = path.basename(given)
  if (name === '' || name === '.' || name === '..') {
    return path.basename(realRoot)
  }
  return name
}

/** Drops trailing separators, so `lstat` reads a link, not its target. */
function trimTrailingSeparators(given: string): string {
  const { root } = path.parse(given)
  let trimmed = given
  while (trimmed.length > root.length && trimmed.endsWith(path.sep)) {
    trimmed = trimmed.slice(0, -1)
  }
  return trimmed
}

/** An entry that could not be listed, kept to report the first in order. */
interface ListingFailure {
  readonly relativePath: string
  readonly error: unknown
}

/**
 * Lists the files below the root with synchronous calls, in slices that
 * let the preflight's responses through. Of the entries that fail, the
 * first in path order is reported, so the error is the same on every run.
 */
async function listFiles(
  root: string,
  slicer: TimeSlicer
): Promise<ListedFile[]> {
  const files: ListedFile[] = []
  const failures: ListingFailure[] = []
  const folders = ['']
  for (
    let folder = folders.pop();
    folder !== undefined;
    folder = folders.pop()
  ) {
    // Every folder counts against the slice, empty ones too.
    await slicer.pause()
    const directory = path.join(root, folder)
    const prefix = folder ? `${folder}/` : ''
    const names = folderNames(directory, folder, failures)
    await forEachInSlices(
      names,
      name => {
        const relativePath = prefix + name
        try {
          const absolutePath = path.join(directory, name)
          const entry = listEntry(root, relativePath, absolutePath)
          if (entry === 'directory') folders.push(relativePath)
          else if (entry) files.push(entry)
        } catch (error) {
          failures.push({ relativePath, error })
        }
      },
      slicer
    )
  }
  const [first] = failures.sort((a, b) =>
    byPath(a.relativePath, b.relativePath)
  )
  if (first) throw first.error
  // NOTE: the sort is not sliced; for 100,000 files it blocks the event
  // loop for about 120 ms.
  return files.sort((a, b) => byPath(a.relativePath, b.relativePath))
}

/**
 * Yields the names in a folder one at a time, so that a folder of many
 * entries is read in slices too, and records why it cannot be read.
 */
function* folderNames(
  directory: string,
  relativePath: string,
  failures: ListingFailure[]
): Generator<string> {
  let folder: Dir
  try {
    folder = opendirSync(directory)
  } catch (error) {
    failures.push({ relativePath, error })
    return
  }
  try {
    // A folder replaced by a link since its parent was listed would be
    // read through the link, perhaps from outside the model.
    // NOTE: a link put in place and removed again between the open and
    // this check goes unseen; Node's Dir does not expose its descriptor.
    if (realpathSync.native(directory) !== directory) {
      throw changedSinceListing(
        `${relativePath} was a directory`,
        'reached through a symbolic link'
      )
    }
    for (let entry = folder.readSync(); entry; entry = folder.readSync()) {
      yield entry.name
    }
  } catch (error) {
    failures.push({ relativePath, error })
  } finally {
    folder.closeSync()
  }
}

function byPath(a: string, b: string): number {
  if (a === b) return 0
  return a < b ? -1 : 1
}

/**
 * Reads one entry: a file, `'directory'`, or undefined for anything else,
 * such as a socket.
 */
function listEntry(
  root: string,
  relativePath: string,
  absolutePath: string
): ListedFile | 'directory' | undefined {
  const info = lstatSync(absolutePath)
  if (info.isDirectory()) return 'directory'
  if (info.isSymbolicLink()) return followLink(root, relativePath, absolutePath)
  if (!info.isFile()) return undefined
  return {
    relativePath,
    absolutePath,
    size: info.size,
    isSymlink: false,
    fileId: { dev: info.dev, ino: info.ino }
  }
}

function followLink(
  root: string,
  relativePath: string,
  absolutePath: string
): ListedFile {
  const target = realTarget(absolutePath)
  const inside = target?.startsWith(root + path.sep) === true
  const info = target ? statSync(target) : undefined
  if (!inside || !info?.isFile()) {
    throw configError(
      'input `model-path`',
      `${relativePath} is a symbolic link to ` +
        `${describeLinkTarget(target, inside)}, which is not uploaded`,
      'Copy the file into the model directory instead of linking it.'
    )
  }
  return {
    relativePath,
    absolutePath: target,
    size: info.size,
    isSymlink: true,
    fileId: { dev: info.dev, ino: info.ino }
  }
}

/**
 * Resolves a link's target as the kernel does, or gives undefined when it
 * is missing. Node's own `realpathSync` applies a `..` in the link's text
 * before the links in front of it, so a link through `x/..`, where `x`
 * links elsewhere, would seem to stay inside the model.
 */
function realTarget(link: string): string | undefined {
  try {
    return realpathSync.native(link)
  } catch {
    return undefined
  }
}

function describeLinkTarget(
  target: string | undefined,
  inside: boolean
): string {
  if (target === undefined) return 'a path that does not exist'
  if (!inside) return 'a path outside the model directory'
  return 'a directory'
}

/**
 * Large files hashed at once, so that their reads overlap. At most that
 * many whole reads are in memory at once.
 */
const HASH_CONCURRENCY = 8

/** Files up to this size are read whole instead of streamed. */
const WHOLE_READ_BYTES = 2 ** 20

/**
 * Files up to this size are read with synchronous calls, and may keep
 * their bytes for an upload.
 */
const SMALL_FILE_BYTES = 2 ** 16

/**
 * The bytes of small files that one registration keeps for its upload
 * through the artifact proxy. Reading each file a second time took about a
 * fifth of the CPU time of uploading 2,000 files of 4 KiB. A sync runs up
 * to 3 registrations at once, so it keeps up to 3 times this.
 */
export const KEPT_BYTES_LIMIT = 2 ** 24

/** A listed file with its index in path order. */
interface IndexedFile {
  readonly file: ListedFile
  readonly index: number
}

/**
 * Hashes the files and keeps the bytes of small files, in path order, up
 * to `keptBytesLimit` in all. Small files are read synchronously in
 * slices; larger ones through Node's thread pool, {@link HASH_CONCURRENCY}
 * at a time, meanwhile, or not at all when `hashLarge` is false. A failure is reported as a loop in path order
 * would meet it: files after the first failed one are skipped or
 * cancelled, and files before it are still read.
 */
async function hashFiles(
  files: readonly ListedFile[],
  keptBytesLimit: number,
  slicer: TimeSlicer,
  hashLarge: boolean
): Promise<(ModelFile | ListedFile)[]> {
  const hashed = new Array<ModelFile | ListedFile>(files.length)
  const entries: IndexedFile[] = files.map((file, index) => ({ file, index }))
  const failure = new FirstFailure()
  const hashOne = async (entry: IndexedFile, grew = false): Promise<void> => {
    const { file, index } = entry
    if (failure.skips(index)) return
    if (!hashLarge) {
      hashed[index] = file
      return
    }
    const signal = failure.track(index)
    try {
      hashed[index] = await hashLargeFile(file, signal, grew)
    } catch (error) {
      if (!signal.aborted) failure.record(index, error)
    } finally {
      failure.untrack(index)
    }
  }
  const large = forEachBounded(
    entries.filter(({ file }) => file.size > SMALL_FILE_BYTES),
    HASH_CONCURRENCY,
    entry => hashOne(entry)
  )
  // Small files that grew past the limit since the listing are read in
  // parts, as large ones are.
  const grown: IndexedFile[] = []
  let keptBytes = 0
  const small = forEachInSlices(
    entries.filter(({ file }) => file.size <= SMALL_FILE_BYTES),
    ({ file, index }) => {
      if (failure.skips(index)) return
      try {
        const bytes = readSmallFile(file, SMALL_FILE_BYTES)
        if (bytes === undefined) {
          grown.push({ file, index })
          return
        }
        // A file whose size changed since the listing is read again for
        // the upload, which then fails on the length the listing gave.
        const keep =
          bytes.length === file.size &&
          keptBytes + bytes.length <= keptBytesLimit
        if (keep) keptBytes += bytes.length
        hashed[index] = {
          ...file,
          sha256: sha256Of(bytes),
          ...(keep ? { contents: bytes } : {})
        }
      } catch (error) {
        failure.record(index, error)
      }
    },
    slicer
  )
  await Promise.all([small, large])
  await forEachBounded(grown, HASH_CONCURRENCY, entry => hashOne(entry, true))
  failure.throwIfAny()
  return hashed
}

/**
 * Hashes a file through Node's thread pool: whole when the listing found
 * it no larger than {@link WHOLE_READ_BYTES}, else in parts, as is a file
 * that grew since the listing. Rejects once `signal` aborts.
 */
export async function hashLargeFile(
  file: ListedFile,
  signal: AbortSignal,
  grew: boolean
): Promise<ModelFile> {
  const handle = await openListedFile(file)
  try {
    // A read cancelled before it starts rejects here, not mid-file.
    signal.throwIfAborted()
    const sha256 =
      grew || file.size > WHOLE_READ_BYTES
        ? await hashInParts(handle, signal)
        : sha256Of(await handle.readFile({ signal }))
    return { ...file, sha256 }
  } catch (error) {
    throw explainReadError(file, error)
  } finally {
    await closeListedFile(handle)
  }
}

function sha256Of(bytes: Buffer): string {
  return nodeCrypto().createHash('sha256').update(bytes).digest('hex')
}

/** The size of each read when a file is hashed in parts. */
const HASH_READ_BYTES = 2 ** 20

/**
 * Hashes a file in parts of {@link HASH_READ_BYTES}, reading the next part
 * into a second buffer while the current one is hashed. Two buffers serve
 * the whole file, so memory stays flat with no garbage to collect. For
 * 1 GiB from the page cache this took about 0.9 s against 1.1 s through a
 * read stream of the same part size.
 */
async function hashInParts(
  handle: FileHandle,
  signal: AbortSignal
): Promise<string> {
  const hash = nodeCrypto().createHash('sha256')
  let reading = Buffer.allocUnsafe(HASH_READ_BYTES)
  let spare = Buffer.allocUnsafe(HASH_READ_BYTES)
  let pending = handle.read(reading, 0, HASH_READ_BYTES, null)
  try {
    for (;;) {
      const { bytesRead } = await pending
      signal.throwIfAborted()
      if (bytesRead === 0) break
      const filled = reading
      reading = spare
      spare = filled
      pending = handle.read(reading, 0, HASH_READ_BYTES, null)
      hash.update(filled.subarray(0, bytesRead))
    }
  } finally {
    // A read still in flight after an abort settles unobserved.
    pending.catch(() => undefined)
  }
  return hash.digest('hex')
}
