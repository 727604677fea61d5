import type { Readable } from 'node:stream'

/** An auth mode that sends requests; `auto` resolves to one of these. */
export type AuthMode =
  | 'none'
  | 'basic'
  | 'bearer'
  | 'sigv4'
  | 'hokusai'
  | 'oauth-client-credentials'
  | 'github-oidc'
  | 'databricks'

/** What kind of credential a provider sends, for diagnoses and logs. */
export type Credential =
  | { readonly kind: 'none' }
  | { readonly kind: 'basic'; readonly username: string }
  | {
      readonly kind: 'token'
      readonly header: string
      /** `Bearer` when the token goes in `Authorization`. */
      readonly scheme?: 'Bearer'
      /** The token's kind when a platform issued it: `Hokusai API key`. */
      readonly label?: string
    }
  | {
      readonly kind: 'aws'
      readonly region: string
      readonly service: string
    }
  | {
      /** An access token from the OAuth client credentials grant. */
      readonly kind: 'oauth'
      readonly clientId: string
      /** The host of the token endpoint or of the issuer. */
      readonly provider: string
    }

/** A request body as the transport sends it. */
export type OutgoingBody =
  string | { open(): Readable | string | Buffer } | undefined

/**
 * The parts of a request that a signing provider needs besides the
 * headers. The
 * transport calls {@link AuthProvider.authorize} after every other header
 * is set, so a signature covers them all.
 */
export interface OutgoingRequest {
  readonly method: string
  /** The full URL, with the query exactly as it is sent. */
  readonly url: URL
  /** The body; a stream can be opened again to hash it before sending. */
  readonly body: OutgoingBody
}

/**
 * One auth mode. The transport calls {@link authorize} for every request
 * to the tracking server, and never for another origin.
 */
export interface AuthProvider {
  readonly mode: AuthMode
  readonly credential: Credential
  /**
   * Adds this mode's credential headers to a request. Modes with a static
   * credential ignore `request`; SigV4 signs its method, URL and body.
   */
  authorize(
    headers: Record<string, string>,
    request: OutgoingRequest
  ): Promise<void>
  /**
   * Replaces a credential that the server rejected as expired or invalid,
   * given as the `Authorization` header it was sent in. Absent for
   * static credentials, which no refresh can change.
   */
  refresh?(rejected: string | undefined): Promise<void>
}

/** Describes a credential in words, without the secret. */
export function describeCredential(credential: Credential): string {
  switch (credential.kind) {
    case 'none':
      return 'no credentials'
    case 'basic':
      return `Basic credentials for user '${credential.username}'`
    case 'token':
      if (credential.label) {
        return `a ${credential.label} in the ${credential.header} header`
      }
      return credential.scheme
        ? `a ${credential.scheme} token in ${credential.header}`
        : `a token in the ${credential.header} header`
    case 'aws':
      return (
        `AWS SigV4 signatures (service ${credential.service}, region ` +
        `${credential.region})`
      )
    case 'oauth':
      return (
        `an OAuth access token for client '${credential.clientId}' ` +
        `from ${credential.provider}`
      )
  }
}
