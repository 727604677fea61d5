import { Readable } from 'node:stream'

import type { HttpClient } from '../http/transport.js'
import type { ProxyFile } from '../mlflow/artifact-tree.js'
import { openArtifactStream } from '../mlflow/artifacts.js'
import { fileUploadBody } from '../register/file-upload-body.js'
import type { ModelDirectory } from '../register/model-directory.js'

/** One model file to write to a Unity Catalog storage location. */
export interface StorageFile {
  /** The path below the version's storage location, with `/`. */
  readonly relativePath: string
  readonly size: number
  /** Opens the file's bytes from the start; called again for a retry. */
  open(): Readable
}

/**
 * Lists the files of a local model directory for an upload to storage.
 * Each is read as an upload through the artifact proxy reads it: without
 * following a link, and checked against its size and hash before its
 * last bytes go out.
 */
export function localStorageFiles(directory: ModelDirectory): StorageFile[] {
  return directory.files.map(file => {
    const body = fileUploadBody(file)
    return {
      relativePath: file.relativePath,
      size: file.size,
      open: () => {
        const opened = body.open()
        return Buffer.isBuffer(opened) ? Readable.from([opened]) : opened
      }
    }
  })
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
