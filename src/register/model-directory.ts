import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { lstat, readdir, realpath, stat } from 'node:fs/promises'
import path from 'node:path'

import { configError } from '../diagnosis/diagnosis.js'
import { releasingChunks } from '../http/chunk-memory.js'

/** One file of a local model directory. */
export interface ModelFile {
  /** The path below the model directory, with `/` separators. */
  readonly relativePath: string
  readonly absolutePath: string
  readonly size: number
  /** The SHA-256 of the contents in hex. */
  readonly sha256: string
}

type ListedFile = Omit<ModelFile, 'sha256'>

/** The files of a local model directory and a digest of their contents. */
export interface ModelDirectory {
  readonly root: string
  readonly files: readonly ModelFile[]
  readonly totalBytes: number
  /** SHA-256 over every file's path and SHA-256, in path order. */
  readonly contentDigest: string
}

/**
 * Lists a model directory and hashes its files, streamed so memory stays
 * flat for large files. Symbolic links are followed only when they stay
 * inside the directory; a link out of it is rejected, so a crafted model
 * cannot upload files from elsewhere on the runner.
 */
export async function readModelDirectory(
  root: string
): Promise<ModelDirectory> {
  const realRoot = await realpath(root)
  const files: ListedFile[] = []
  await walk(realRoot, '', files)
  files.sort((a, b) => (a.relativePath < b.relativePath ? -1 : 1))

  const digest = createHash('sha256')
  const hashed: ModelFile[] = []
  for (const file of files) {
    const fileHash = await hashFile(file.absolutePath)
    digest.update(`${file.relativePath}\0${fileHash}\n`)
    hashed.push({ ...file, sha256: fileHash })
  }
  return {
    root: realRoot,
    files: hashed,
    totalBytes: files.reduce((sum, file) => sum + file.size, 0),
    contentDigest: digest.digest('hex')
  }
}

async function walk(
  root: string,
  relative: string,
  files: ListedFile[]
): Promise<void> {
  const directory = path.join(root, relative)
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const relativePath = relative ? `${relative}/${entry.name}` : entry.name
    const absolutePath = path.join(directory, entry.name)
    const info = await lstat(absolutePath)
    if (info.isDirectory()) {
      await walk(root, relativePath, files)
    } else if (info.isSymbolicLink()) {
      files.push(await followLink(root, relativePath, absolutePath))
    } else if (info.isFile()) {
      files.push({ relativePath, absolutePath, size: info.size })
    }
  }
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
  return { relativePath, absolutePath: target, size: info.size }
}

function describeLinkTarget(
  target: string | undefined,
  inside: boolean
): string {
  if (target === undefined) return 'a path that does not exist'
  if (!inside) return 'a path outside the model directory'
  return 'a directory'
}

async function hashFile(file: string): Promise<string> {
  const hash = createHash('sha256')
  const chunks = releasingChunks(createReadStream(file))
  for await (const chunk of chunks) hash.update(chunk as Buffer)
  return hash.digest('hex')
}
