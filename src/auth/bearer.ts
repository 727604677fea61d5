import type { AuthProvider, Credential } from './provider.js'

/**
 * A static token: `Authorization: Bearer <token>` by default, or the bare
 * token in another header such as `X-API-Key` for API-key proxies.
 */
export class BearerAuth implements AuthProvider {
  readonly mode = 'bearer'
  readonly credential: Credential
  readonly #headerName: string
  readonly #headerValue: string

  constructor(token: string, headerName: string) {
    const isAuthorization = headerName.toLowerCase() === 'authorization'
    this.#headerName = headerName.toLowerCase()
    this.#headerValue = isAuthorization ? `Bearer ${token}` : token
    this.credential = isAuthorization
      ? { kind: 'token', header: 'Authorization', scheme: 'Bearer' }
      : { kind: 'token', header: headerName }
  }

  authorize(headers: Record<string, string>): Promise<void> {
    headers[this.#headerName] = this.#headerValue
    return Promise.resolve()
  }
}
