import type { Readable } from 'node:stream'

import { nodeCrypto } from '../node-crypto.js'
import type { ModelDirectory } from '../register/model-directory.js'

/** One file of a model and the SHA-256 of its contents, in hex. */
export interface FileDigest {
  /** The POSIX path below the model directory, such as `data/model.pkl`. */
  readonly name: string
  readonly digest: string
}

/** A model's files as the OpenSSF model signing format records them. */
export interface ModelManifest {
  /** The model directory's base name, the statement's subject name. */
  readonly modelName: string
  /** Every file that is not ignored, in the format's order. */
  readonly files: readonly FileDigest[]
  /**
   * Whether a file or the model directory was read through a symbolic
   * link, which model-signing 1.1.1 hashes only with `allow_symlinks`.
   */
  readonly allowSymlinks?: boolean
}

/** The file name of the signature bundle, beside the model files. */
export const SIGNATURE_FILE = 'model.sig'

/**
 * The top-level paths that model-signing 1.1.1 leaves out by default:
 * its signature file and git's files. A directory among them is left out
 * with everything below it.
 */
export const IGNORED_PATHS: readonly string[] = [
  SIGNATURE_FILE,
  '.git',
  '.gitattributes',
  '.github',
  '.gitignore'
]

/**
 * Returns the manifest of a local model directory from the hashes taken
 * while it was read, leaving out `ignorePaths` (by default the paths the
 * action signs without). Symbolic links inside the directory count as
 * the files they point to, as they are uploaded, so the digest is that
 * of the uploaded copy.
 */
export function manifestFromDirectory(
  directory: ModelDirectory,
  ignorePaths: readonly string[] = IGNORED_PATHS
): ModelManifest {
  const files = directory.files
    .filter(file => !isIgnored(file.relativePath, ignorePaths))
    .map(file => ({ name: file.relativePath, digest: file.sha256 }))
    .sort((a, b) => compareFileNames(a.name, b.name))
  // model-signing 1.1.1 checks every path it walks, ignored or not, and
  // the model directory itself, so one link anywhere needs the flag.
  const allowSymlinks =
    directory.rootIsSymlink || directory.files.some(file => file.isSymlink)
  return { modelName: directory.modelName, files, allowSymlinks }
}

/**
 * Checks whether a file is left out of a manifest by its path: it is one
 * of `ignorePaths`, which are relative to the model directory, or below
 * one of them. The default is the paths the action signs without.
 */
export function isIgnored(
  name: string,
  ignorePaths: readonly string[] = IGNORED_PATHS
): boolean {
  return ignorePaths.some(ignored => {
    const prefix = normalizeIgnorePath(ignored)
    return prefix === '' || name === prefix || name.startsWith(`${prefix}/`)
  })
}

/**
 * Drops a leading `./` and trailing slashes. An empty result is the model
 * directory itself, below which every file lies, as Python's
 * `PurePath.is_relative_to` has it.
 */
function normalizeIgnorePath(ignored: string): string {
  let prefix = ignored
  while (prefix.startsWith('./')) prefix = prefix.slice(2)
  while (prefix.endsWith('/')) prefix = prefix.slice(0, -1)
  return prefix === '.' ? '' : prefix
}

/**
 * Orders file names as model-signing does: by path components, as
 * Python's `PurePosixPath` compares, so `a/b` sorts before `a-b` and
 * `a.txt`, unlike a plain string sort.
 */
export function compareFileNames(a: string, b: string): number {
  const left = a.split('/')
  const right = b.split('/')
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = compareCodePoints(left[i] ?? '', right[i] ?? '')
    if (order !== 0) return order
  }
  return left.length - right.length
}

/**
 * Compares strings by Unicode code points, as Python compares `str`;
 * JavaScript's `<` compares UTF-16 code units, which orders characters
 * outside the Basic Multilingual Plane differently.
 */
function compareCodePoints(a: string, b: string): number {
  const left = Array.from(a)
  const right = Array.from(b)
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const difference =
      (left[i]?.codePointAt(0) ?? 0) - (right[i]?.codePointAt(0) ?? 0)
    if (difference !== 0) return difference
  }
  return left.length - right.length
}

/** Returns the SHA-256 of a stream's bytes in hex, chunk by chunk. */
export async function hashStream(stream: Readable): Promise<string> {
  const hash = nodeCrypto().createHash('sha256')
  for await (const chunk of stream) hash.update(chunk as Buffer)
  return hash.digest('hex')
}

/**
 * Returns the model digest: SHA-256 over the raw bytes of each file's
 * digest, in manifest order. It is the statement's subject digest.
 */
export function rootDigest(files: readonly FileDigest[]): string {
  const hash = nodeCrypto().createHash('sha256')
  for (const file of files) hash.update(Buffer.from(file.digest, 'hex'))
  return hash.digest('hex')
}
