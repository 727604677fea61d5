import { createReadStream } from 'node:fs'
import { mkdir, open } from 'node:fs/promises'
import path from 'node:path'

import { nodeCrypto } from '../node-crypto.js'
import {
  changedContents,
  changedSinceListing,
  closeListedFile,
  listedFileChunks,
  openListedFile
} from '../register/listed-file-reads.js'
import type { ModelDirectory, ModelFile } from '../register/model-directory.js'
import { countOf } from '../text/plural.js'
import { resolveInside } from './bundle-paths.js'
import type { BundleFile } from './manifest.js'

/**
 * Copies a model directory's files into `target` inside a bundle root
 * and returns the manifest entries. Files are created with `wx`, so
 * nothing existing is overwritten.
 *
 * Each file is opened as the hashing opened it, without following a link
 * and only as the regular file the listing found, and its copy must have
 * the size and SHA-256 that the hashing found. A file that changed since
 * then fails the bundle, whose digest would otherwise not match the
 * model that a sync registers.
 */
export async function copyModelFiles(
  directory: ModelDirectory,
  root: string,
  target: string
): Promise<BundleFile[]> {
  const files: BundleFile[] = []
  for (const file of directory.files) {
    const relative = `${target}/${file.relativePath}`
    const destination = resolveInside(root, relative)
    await mkdir(path.dirname(destination), { recursive: true })
    await copyChecked(file, destination)
    files.push({ path: relative, size: file.size, sha256: file.sha256 })
  }
  return files
}

/** The size of one read of a file being copied, as a file stream's. */
const COPY_CHUNK = 64 * 1024

async function copyChecked(
  file: ModelFile,
  destination: string
): Promise<void> {
  const hash = nodeCrypto().createHash('sha256')
  let size = 0
  const input = await openListedFile(file)
  try {
    const output = await open(destination, 'wx', 0o644)
    try {
      for await (const chunk of listedFileChunks(file, input, COPY_CHUNK)) {
        hash.update(chunk)
        size += chunk.length
        await output.write(chunk)
      }
    } finally {
      await output.close()
    }
  } finally {
    await closeListedFile(input)
  }
  if (size !== file.size) {
    const was = `${file.relativePath} had ${countOf(file.size, 'byte')}`
    throw changedSinceListing(was, size > file.size ? 'larger' : 'smaller')
  }
  if (hash.digest('hex') !== file.sha256) {
    throw changedContents(file.relativePath)
  }
}

/** Hashes a file with SHA-256, streamed; returns the hex digest and size. */
export async function hashFile(
  file: string
): Promise<{ size: number; sha256: string }> {
  const hash = nodeCrypto().createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(file)) {
    const buffer = chunk as Buffer
    hash.update(buffer)
    size += buffer.length
  }
  return { size, sha256: hash.digest('hex') }
}
