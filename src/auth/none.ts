import type { AuthProvider } from './provider.js'

/** Sends no credentials, for servers without authentication. */
export class NoAuth implements AuthProvider {
  readonly mode = 'none'
  readonly credential = { kind: 'none' } as const

  authorize(): Promise<void> {
    return Promise.resolve()
  }
}
