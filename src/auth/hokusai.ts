import { BearerAuth } from './bearer.js'
import type { AuthProvider, Credential } from './provider.js'

/**
 * A Hokusai platform API key (`hk_...`). Both of the platform's MLflow
 * entry points, the API proxy and the admin gateway, read the key from
 * `Authorization: Bearer`, `Authorization: ApiKey` or `X-API-Key`, so it
 * is sent as a Bearer token unless `token-header` names another header.
 */
export class HokusaiAuth implements AuthProvider {
  readonly mode = 'hokusai'
  readonly credential: Credential
  readonly #bearer: BearerAuth

  constructor(key: string, headerName: string) {
    this.#bearer = new BearerAuth(key, headerName)
    const isAuthorization = headerName.toLowerCase() === 'authorization'
    this.credential = {
      kind: 'token',
      header: isAuthorization ? 'Authorization' : headerName,
      ...(isAuthorization ? { scheme: 'Bearer' as const } : {}),
      label: 'Hokusai API key'
    }
  }

  authorize(headers: Record<string, string>): Promise<void> {
    return this.#bearer.authorize(headers)
  }
}
