/** An access token as the token endpoint issued it. */
export interface IssuedToken {
  readonly accessToken: string
  /** The lifetime from `expires_in`; unknown when the endpoint omits it. */
  readonly expiresInMs?: number
}

/** Options of a token cache: the token source and a clock. */
export interface TokenCacheOptions {
  /** Requests a new token from the token endpoint. */
  readonly request: () => Promise<IssuedToken>
  readonly now: () => number
  /** How long before expiry a token is replaced. */
  readonly marginMs: number
}

interface CachedToken {
  readonly value: string
  /** When to request the next token; never when the lifetime is unknown. */
  readonly refreshAt: number
}

/**
 * Caches one access token and replaces it before it expires. Callers that
 * need a token while a request is under way share that request, so the
 * token endpoint receives at most one request at a time.
 */
export class TokenCache {
  readonly #options: TokenCacheOptions
  #current: CachedToken | undefined
  #pending: Promise<string> | undefined

  constructor(options: TokenCacheOptions) {
    this.#options = options
  }

  /** Returns a token that is not within the margin of its expiry. */
  async get(): Promise<string> {
    const current = this.#current
    if (current && this.#options.now() < current.refreshAt) {
      return current.value
    }
    return this.#requestOnce()
  }

  /**
   * Replaces the token a server rejected. When the cache already contains a
   * newer token, or a request for one is under way, no second request is
   * sent, so several requests rejected with one token cause one refresh.
   */
  async refresh(rejected: string | undefined): Promise<void> {
    if (this.#pending) {
      await this.#pending
      return
    }
    if (rejected !== undefined && this.#current?.value !== rejected) return
    this.#current = undefined
    await this.#requestOnce()
  }

  #requestOnce(): Promise<string> {
    this.#pending ??= this.#load().finally(() => {
      this.#pending = undefined
    })
    return this.#pending
  }

  async #load(): Promise<string> {
    // The lifetime counts from before the request was sent, so a slow
    // response makes the cache refresh early, never late.
    const requestedAt = this.#options.now()
    const token = await this.#options.request()
    this.#current = {
      value: token.accessToken,
      refreshAt: refreshTime(requestedAt, token.expiresInMs, this.#options)
    }
    return token.accessToken
  }
}

/**
 * Returns when to replace a token: `marginMs` before expiry, or halfway
 * through its lifetime when the lifetime is shorter than twice the
 * margin, so a short-lived token is not requested anew for every call.
 */
export function refreshTime(
  requestedAt: number,
  lifetimeMs: number | undefined,
  options: Pick<TokenCacheOptions, 'marginMs'>
): number {
  if (lifetimeMs === undefined) return Number.POSITIVE_INFINITY
  const margin = Math.min(options.marginMs, lifetimeMs / 2)
  return requestedAt + lifetimeMs - margin
}
