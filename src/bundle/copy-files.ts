import { createReadStream } from 'node:fs'
import { mkdir, open } from 'node:fs/promises'
import path from 'node:path'

import { nodeCrypto } from '../node-crypto.js'
import type { ModelDirectory } from '../register/model-directory.js'
import { resolveInside } from './bundle-paths.js'
import type { BundleFile } from './manifest.js'

/**
 * Copies a model directory's files into `target` inside a bundle root,
 * hashing each copy as it is written, and returns the manifest entries.
 * Files are created with `wx`, so nothing existing is overwritten.
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
    const { size, sha256 } = await copyWithHash(file.absolutePath, destination)
    files.push({ path: relative, size, sha256 })
  }
  return files
}

async function copyWithHash(
  source: string,
  destination: string
): Promise<{ size: number; sha256: string }> {
  const hash = nodeCrypto().createHash('sha256')
  let size = 0
  const output = await open(destination, 'wx', 0o644)
  try {
    for await (const chunk of createReadStream(source)) {
      const buffer = chunk as Buffer
      hash.update(buffer)
      size += buffer.length
      await output.write(buffer)
    }
  } finally {
    await output.close()
  }
  return { size, sha256: hash.digest('hex') }
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
