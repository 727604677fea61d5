import { createReadStream } from 'node:fs'
import type { Readable } from 'node:stream'

import type { HttpClient } from '../http/transport.js'
import type { ProxyFile } from '../mlflow/artifact-tree.js'
import { openArtifactStream } from '../mlflow/artifacts.js'
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
    // NOTE: unlike an upload through the artifact proxy, this read
    // follows a link and checks neither the size nor the hash of a file
    // changed since the model directory was read.
    open: () => createReadStream(file.absolutePath)
  }))
}

/**
 * Lists the files of a model directory behind the tracking server's
 * artifact proxy for an upload to storage. Each open starts a new
 * download, which streams into the upload without a copy on disk.
 */
export function proxyStorageFiles(
  http: HttpClient,
  root: string,
  files: readonly Required<ProxyFile>[]
): StorageFile[] {
  return files.map(file => ({
    relativePath: file.name,
    size: file.size,
    open: () => openArtifactStream(http, `${root}/${file.name}`)
  }))
}
