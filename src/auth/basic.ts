import { maskSecret, type MaskSecret } from '../config/secrets.js'
import type { AuthProvider, Credential } from './provider.js'

/** HTTP Basic authentication, as MLflow's `basic-auth` app expects. */
export class BasicAuth implements AuthProvider {
  readonly mode = 'basic'
  readonly credential: Credential
  readonly #header: string

  /** Masks the encoded header at once, before any request can log it. */
  constructor(username: string, password: string, mask: MaskSecret) {
    const encoded = Buffer.from(`${username}:${password}`).toString('base64')
    maskSecret(mask, encoded)
    this.#header = `Basic ${encoded}`
    this.credential = { kind: 'basic', username }
  }

  authorize(headers: Record<string, string>): Promise<void> {
    headers.authorization = this.#header
    return Promise.resolve()
  }
}
