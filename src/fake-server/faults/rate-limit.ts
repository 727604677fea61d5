import type { FakeResponse } from '../exchange.js'
import { formatError } from '../python-json.js'

/** A fixed-window rate limit, as an API gateway in front of MLflow sets. */
export interface RateLimit {
  /** Requests allowed per window. */
  readonly limit: number
  readonly windowMs: number
  /** `Retry-After` as delta seconds (the default) or as an HTTP-date. */
  readonly retryAfter?: 'seconds' | 'http-date'
}

/** A counter of requests per window that responds 429 beyond the limit. */
export class RateLimiter {
  private windowStart = 0
  private count = 0

  constructor(
    readonly config: RateLimit,
    private readonly now: () => number
  ) {}

  /** Counts a request; returns a 429 response when it is over the limit. */
  check(): FakeResponse | undefined {
    const time = this.now()
    if (this.count === 0 || time - this.windowStart >= this.config.windowMs) {
      this.windowStart = time
      this.count = 0
    }
    this.count++
    if (this.count <= this.config.limit) return undefined
    const waitMs = this.windowStart + this.config.windowMs - time
    const retryAfter =
      this.config.retryAfter === 'http-date'
        ? new Date(time + waitMs).toUTCString()
        : String(Math.max(1, Math.ceil(waitMs / 1000)))
    return {
      status: 429,
      headers: {
        'content-type': 'application/json',
        'retry-after': retryAfter
      },
      body: formatError({
        error_code: 'REQUEST_LIMIT_EXCEEDED',
        message: 'Rate limit exceeded; retry after the Retry-After delay.'
      })
    }
  }
}
