import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import {
  generateTemporaryCredentials,
  type TemporaryCredentials
} from '../mlflow/unity-catalog.js'

/**
 * How long credentials must still be valid when a file starts: 5
 * minutes, a margin for one large file and for clock skew between the
 * runner and the registry, or half their lifetime when that is shorter.
 */
export const REFRESH_MARGIN_MS = 5 * 60_000

/**
 * The temporary credentials of one model version, requested again
 * before a file when fewer than {@link REFRESH_MARGIN_MS} remain.
 * MLflow 3.17 only retries with new credentials after a failed request
 * (`_retry_with_new_creds`). Refreshing first spares a failed upload of
 * a large file, and {@link renew} still covers credentials that a
 * storage service rejects as expired before their `expiration_time`.
 */
export class StorageCredentials {
  #current: TemporaryCredentials | undefined
  /** When the current credentials arrived, by this runner's clock. */
  #issuedAt = 0
  /** Whether the current credentials were requested for the next file. */
  #unused = false

  constructor(
    private readonly http: HttpClient,
    private readonly version: ModelVersion,
    private readonly log: Logger,
    private readonly now: () => number = Date.now
  ) {}

  /**
   * Returns credentials for the next file, and requests new ones first
   * when the current ones expire within the margin.
   */
  async forNextFile(): Promise<TemporaryCredentials> {
    const current = this.#current
    if (current === undefined) return this.renew()
    const expiry = current.expiration_time
    if (expiry !== undefined && this.expiresSoon(expiry) && !this.#unused) {
      this.log.info(
        `The temporary credentials for version ${this.version.version} ` +
          `expire at ${new Date(expiry).toISOString()}; requesting new ones`
      )
      await this.renew()
    }
    this.#unused = false
    return this.#current ?? current
  }

  /** Requests new credentials and makes them the current ones. */
  async renew(): Promise<TemporaryCredentials> {
    const { name, version } = this.version
    this.#current = await generateTemporaryCredentials(this.http, name, version)
    this.#issuedAt = this.now()
    this.#unused = true
    return this.#current
  }

  /**
   * Checks whether credentials expiring at `expiry` are within the
   * margin. Credentials that look expired on arrival mean the runner's
   * clock differs from the registry's, and new ones would look the same.
   * So they are replaced only when the storage rejects them.
   */
  private expiresSoon(expiry: number): boolean {
    const lifetime = expiry - this.#issuedAt
    if (lifetime <= 0) return false
    const margin = Math.min(REFRESH_MARGIN_MS, lifetime / 2)
    return expiry - this.now() < margin
  }
}
