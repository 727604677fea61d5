import type { Logger } from '../host/host.js'
import type { WrittenBundle } from './write-bundle.js'

/** The stores that hold a bundle outside the job; failed stores are absent. */
export interface StoredBundle {
  /** The name of the workflow artifact. */
  readonly artifact?: string
  readonly cacheKey?: string
}

/** The stored copies of one bundle, found by a sync. */
export interface RemoteCopies {
  cacheKey?: string
  /** The artifact's id in the REST API. */
  artifactId?: number
}

/**
 * Storage for bundles that outlives the job, where the host has one: the
 * artifacts and cache of a GitHub Actions runner. The CLI has none.
 */
export interface BundleStore {
  /** Stores a bundle, and logs a failed upload as a warning. */
  upload(bundle: WrittenBundle, log: Logger): Promise<StoredBundle>
  /**
   * Downloads the stored bundles into `directory` and returns their copies
   * by bundle id. `token` is for the REST API.
   */
  download(
    directory: string,
    modelName: string | undefined,
    token: string | undefined,
    log: Logger
  ): Promise<Map<string, RemoteCopies>>
  /** Deletes the stored copies of a registered bundle. */
  deleteCopies(
    bundleId: string,
    copies: RemoteCopies,
    token: string | undefined,
    log: Logger
  ): Promise<void>
}
