import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import type { TemporaryCredentials } from '../mlflow/unity-catalog.js'
import type { StorageEndpoints } from './endpoints.js'
import type { StorageFile } from './storage-file.js'

/** Writes model files to one storage location with its credentials. */
export interface StorageWriter {
  put(file: StorageFile): Promise<void>
  /**
   * Set by a writer that obtains its own credentials for every file,
   * such as a presigned URL, so the temporary credentials are not used.
   */
  readonly refreshesItself?: boolean
}

/** The inputs of a writer factory. */
export interface WriterContext {
  /** The registry's client, whose dispatcher and timeouts writers reuse. */
  readonly http: HttpClient
  readonly credentials: TemporaryCredentials
  /** The model version whose files are written. */
  readonly version: Pick<ModelVersion, 'name' | 'version'>
  /** The version's `storage_location`. */
  readonly location: string
  readonly endpoints: StorageEndpoints
  readonly log: Logger
}

/**
 * Makes a writer for the storage kind of the credentials, or returns
 * undefined when the credentials are for another kind.
 */
export type WriterFactory = (
  context: WriterContext
) => StorageWriter | undefined
