// Generates the model directories that the benchmark uploads. Large files
// are sparse (created by truncate), so they take no disk space and read
// back as zeros. The server stores what it receives as ordinary files.
import {
  mkdirSync,
  readdirSync,
  statSync,
  truncateSync,
  writeFileSync
} from 'node:fs'
import path from 'node:path'

const MLMODEL = 'flavors:\n  python_function:\n    loader_module: bench\n'

/** Writes a model directory containing an MLmodel file and one sparse file. */
export function makeLargeModel(directory, bytes) {
  mkdirSync(directory, { recursive: true })
  writeFileSync(path.join(directory, 'MLmodel'), MLMODEL)
  const weights = path.join(directory, 'weights.bin')
  writeFileSync(weights, '')
  truncateSync(weights, bytes)
  return directory
}

/**
 * Writes a model directory containing an MLmodel file and `count` small files
 * of 4 KiB each, 100 to a subdirectory.
 */
export function makeManyFileModel(directory, count) {
  mkdirSync(directory, { recursive: true })
  writeFileSync(path.join(directory, 'MLmodel'), MLMODEL)
  const body = Buffer.alloc(4096, 'x')
  for (let i = 0; i < count; i++) {
    const folder = path.join(directory, `part-${Math.floor(i / 100)}`)
    mkdirSync(folder, { recursive: true })
    writeFileSync(path.join(folder, `shard-${i}.txt`), body)
  }
  return directory
}

/** Returns the total size in bytes of the files below a directory. */
export function directorySize(directory) {
  let total = 0
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name)
    total += entry.isDirectory() ? directorySize(full) : statSync(full).size
  }
  return total
}
