import {
  createReadStream,
  lstatSync,
  readdirSync,
  readFileSync,
  realpathSync,
  statSync
} from 'node:fs'
import { lstat, readFile, realpath } from 'node:fs/promises'
import path from 'node:path'

import { forEachBounded } from '../async/bounded-pool.js'
import { forEachInSlices } from '../async/time-slices.js'
import { configError } from '../diagnosis/diagnosis.js'
import { releasingChunks } from '../http/chunk-memory.js'
import { nodeCrypto } from '../node-crypto.js'

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
  /** Bytes that were hashed, kept for the upload of a small file. */
  readonly contents?: Buffer
}

type ListedFile = Omit<ModelFile, 'sha256' | 'contents'>

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
  const realRoot = await realpath(root)
  const files = await listFiles(realRoot)

  const hashed = await hashFiles(files, keptBytesLimit)
  const digest = nodeCrypto().createHash('sha256')
  for (const file of hashed) {
    digest.update(`${file.relativePath}\0${file.sha256}\n`)
  }
  const given = trimTrailingSeparators(path.normalize(root))
  return {
    root: realRoot,
    modelName: modelNameOf(given, realRoot),
    rootIsSymlink: (await lstat(given)).isSymbolicLink(),
    files: hashed,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    contentDigest: digest.digest('hex')
  }
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
async function listFiles(root: string): Promise<ListedFile[]> {
  const files: ListedFile[] = []
  const failures: ListingFailure[] = []
  const folders = ['']
  for (let folder = folders.pop(); folder !== undefined;) {
    const directory = path.join(root, folder)
    const relativeOf = (name: string): string =>
      folder ? `${folder}/${name}` : name
    await forEachInSlices(readNames(directory, folder, failures), name => {
      const relativePath = relativeOf(name)
      try {
        const entry = listEntry(root, relativePath, path.join(directory, name))
        if (entry === 'directory') folders.push(relativePath)
        else if (entry) files.push(entry)
      } catch (error) {
        failures.push({ relativePath, error })
      }
    })
    folder = folders.pop()
  }
  const [first] = failures.sort((a, b) =>
    byPath(a.relativePath, b.relativePath)
  )
  if (first) throw first.error
  return files.sort((a, b) => byPath(a.relativePath, b.relativePath))
}

/** Lists the names in a folder, or none when it cannot be read. */
function readNames(
  directory: string,
  relativePath: string,
  failures: ListingFailure[]
): string[] {
  try {
    return readdirSync(directory)
  } catch (error) {
    failures.push({ relativePath, error })
    return []
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
  return { relativePath, absolutePath, size: info.size, isSymlink: false }
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
    isSymlink: true
  }
}

/** Resolves a link's target, or gives undefined when it is missing. */
function realTarget(link: string): string | undefined {
  try {
    return realpathSync(link)
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
 * Files up to this size are read with one synchronous call each, and may
 * keep their bytes for an upload.
 */
const SMALL_FILE_BYTES = 2 ** 16

/**
 * The bytes of small files that one registration keeps for its upload
 * through the artifact proxy. Reading each file a second time took about a
 * fifth of the CPU time of uploading 2,000 files of 4 KiB. A sync runs up
 * to 3 registrations at once, so it keeps up to 3 times this.
 */
export const KEPT_BYTES_LIMIT = 2 ** 24

/**
 * Hashes the files and keeps the bytes of small files, in path order, up
 * to `keptBytesLimit` in all. Small files are read synchronously in
 * slices; larger ones through Node's thread pool, {@link HASH_CONCURRENCY}
 * at a time, meanwhile.
 */
async function hashFiles(
  files: readonly ListedFile[],
  keptBytesLimit: number
): Promise<ModelFile[]> {
  const hashed = new Array<ModelFile>(files.length)
  const entries = files.map((file, index) => ({ file, index }))
  const large = forEachBounded(
    entries.filter(({ file }) => file.size > SMALL_FILE_BYTES),
    HASH_CONCURRENCY,
    async ({ file, index }) => {
      hashed[index] = await hashLargeFile(file)
    }
  )
  let keptBytes = 0
  const smallEntries = entries.filter(
    ({ file }) => file.size <= SMALL_FILE_BYTES
  )
  const small = forEachInSlices(smallEntries, ({ file, index }) => {
    const bytes = readFileSync(file.absolutePath)
    // A file whose size changed since the listing is read again for the
    // upload, which then fails on the length the listing gave.
    const keep =
      bytes.length === file.size && keptBytes + bytes.length <= keptBytesLimit
    if (keep) keptBytes += bytes.length
    hashed[index] = {
      ...file,
      sha256: sha256Of(bytes),
      ...(keep ? { contents: bytes } : {})
    }
  })
  await Promise.all([small, large])
  return hashed
}

async function hashLargeFile(file: ListedFile): Promise<ModelFile> {
  const sha256 =
    file.size > WHOLE_READ_BYTES
      ? await hashStream(file.absolutePath)
      : sha256Of(await readFile(file.absolutePath))
  return { ...file, sha256 }
}

function sha256Of(bytes: Buffer): string {
  return nodeCrypto().createHash('sha256').update(bytes).digest('hex')
}

async function hashStream(file: string): Promise<string> {
  const hash = nodeCrypto().createHash('sha256')
  const chunks = releasingChunks(createReadStream(file))
  for await (const chunk of chunks) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
