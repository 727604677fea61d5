import { createReadStream } from 'node:fs'
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises'
import path from 'node:path'

import { forEachBounded } from '../async/bounded-pool.js'
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
  const files: ListedFile[] = []
  await walk(realRoot, '', files)
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1))

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

async function walk(
  root: string,
  relative: string,
  files: ListedFile[]
): Promise<void> {
  const directory = path.join(root, relative)
  const entries = await readdir(directory, { withFileTypes: true })
  // The entries are read at once, because one lstat at a time took
  // 100 ms for 2,000 files. The caller sorts the files. The first failing
  // entry in listing order is reported, so the error does not depend on
  // timing.
  const results = await Promise.allSettled(
    entries.map(async entry => {
      const relativePath = relative ? `${relative}/${entry.name}` : entry.name
      const absolutePath = path.join(directory, entry.name)
      const info = await lstat(absolutePath)
      if (info.isDirectory()) {
        await walk(root, relativePath, files)
      } else if (info.isSymbolicLink()) {
        files.push(await followLink(root, relativePath, absolutePath))
      } else if (info.isFile()) {
        files.push({
          relativePath,
          absolutePath,
          size: info.size,
          isSymlink: false
        })
      }
    })
  )
  const failed = results.find(result => result.status === 'rejected')
  if (failed) throw failed.reason
}

async function followLink(
  root: string,
  relativePath: string,
  absolutePath: string
): Promise<ListedFile> {
  const target = await realpath(absolutePath).catch(() => undefined)
  const inside = target?.startsWith(root + path.sep) === true
  const info = target ? await stat(target) : undefined
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

function describeLinkTarget(
  target: string | undefined,
  inside: boolean
): string {
  if (target === undefined) return 'a path that does not exist'
  if (!inside) return 'a path outside the model directory'
  return 'a directory'
}

/**
 * Files hashed at once, so that reads of small files overlap: one at a
 * time, 2,000 files of 4 KiB took 470 ms, eight at a time 70 ms. At
 * most that many whole reads are in memory at once.
 */
const HASH_CONCURRENCY = 8

/** Files up to this size are read whole instead of streamed. */
const WHOLE_READ_BYTES = 2 ** 20

/** Files up to this size may keep their bytes for an upload. */
const KEPT_FILE_BYTES = 2 ** 16

/**
 * The bytes of small files that one registration keeps for its upload
 * through the artifact proxy. Reading each file a second time took about a
 * fifth of the CPU time of uploading 2,000 files of 4 KiB. A sync runs up
 * to 3 registrations at once, so it keeps up to 3 times this.
 */
export const KEPT_BYTES_LIMIT = 2 ** 24

/**
 * Hashes the files, {@link HASH_CONCURRENCY} at a time, in their order, and
 * keeps the bytes of small files up to `keptBytesLimit` in all.
 */
async function hashFiles(
  files: readonly ListedFile[],
  keptBytesLimit: number
): Promise<ModelFile[]> {
  const hashed = new Array<ModelFile>(files.length)
  let keptBytes = 0
  await forEachBounded(files, HASH_CONCURRENCY, async (file, index) => {
    if (file.size > WHOLE_READ_BYTES) {
      hashed[index] = { ...file, sha256: await hashStream(file.absolutePath) }
      return
    }
    const bytes = await readFile(file.absolutePath)
    const sha256 = nodeCrypto().createHash('sha256').update(bytes).digest('hex')
    // A file whose size changed since the listing is read again for the
    // upload, which then fails on the length the listing gave.
    const keep =
      bytes.length === file.size &&
      bytes.length <= KEPT_FILE_BYTES &&
      keptBytes + bytes.length <= keptBytesLimit
    if (keep) keptBytes += bytes.length
    hashed[index] = { ...file, sha256, ...(keep ? { contents: bytes } : {}) }
  })
  return hashed
}

async function hashStream(file: string): Promise<string> {
  const hash = nodeCrypto().createHash('sha256')
  const chunks = releasingChunks(createReadStream(file))
  for await (const chunk of chunks) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
