/** An auth mode that sends requests; `auto` resolves to one of these. */
export type AuthMode = 'none' | 'basic' | 'bearer'

/** What kind of credential a provider sends, for diagnoses and logs. */
export type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string }
  | {
      readonly kind: 'token'
      readonly header: string
      /** `Bearer` when the token goes in `Authorization`. */
      readonly scheme?: 'Bearer'
    }

/**
 * One auth mode. The transport calls {@link authorize} for every request
 * to the tracking server, and never for another origin.
 */
export interface AuthProvider {
  readonly mode: AuthMode
  readonly credential: Credential
  /** Adds this mode's credential headers to a request. */
  authorize(headers: Record<string, string>): Promise<void>
}

/** Describes a credential in words, without the secret. */
export function describeCredential(credential: Credential): string {
  switch (credential.kind) {
    case 'none':
      return 'no credentials'
    case 'basic':
      return `Basic credentials for user '${credential.username}'`
    case 'token':
      return credential.scheme
        ? `a ${credential.scheme} token in ${credential.header}`
        : `a token in the ${credential.header} header`
  }
}
