import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'

import type { ModelDirectory } from '../register/model-directory.js'

/** One model file to write to a Unity Catalog storage location. */
export interface StorageFile {
  /** The path below the version's storage location, with `/`. */
  readonly relativePath: string
  readonly size: number
  /** Opens the file's bytes from the start; called again for a retry. */
  open(): Readable
}

/** Lists the files of a local model directory for an upload to storage. */
export function localStorageFiles(directory: ModelDirectory): StorageFile[] {
  return directory.files.map(file => ({
    relativePath: file.relativePath,
    size: file.size,
    open: () => createReadStream(file.absolutePath)
  }))
}
