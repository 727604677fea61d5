import * as oauth from 'oauth4webapi'

import type { Logger } from '../host/host.js'
import { errorCode } from '../http/transport.js'
import {
  backoffDelay,
  parseRetryAfter,
  TRANSIENT_CONNECTION_CODES,
  TRANSIENT_STATUSES,
  type RetryPolicy
} from '../http/retry.js'

/** The retry policy of token requests, and the logger of each retry. */
export interface TokenRetry {
  readonly policy: RetryPolicy
  readonly log: Logger
}

/** Pairs a provider's retry policy with its logger, when it has one. */
export function tokenRetry(options: {
  readonly retry?: RetryPolicy
  readonly log: Logger
}): TokenRetry | undefined {
  return options.retry && { policy: options.retry, log: options.log }
}

/** A failed token request that a later attempt may get past. */
interface TransientFailure {
  /** The failure in a few words for the log, such as `HTTP 503`. */
  readonly summary: string
  readonly retryAfter?: string
}

/**
 * OAuth error codes (RFC 6749, 5.2; RFC 8693; RFC 8707) that reject the
 * request itself, so no retry can succeed, whatever the status.
 */
const REJECTION_CODES = new Set([
  'invalid_request',
  'invalid_client',
  'invalid_grant',
  'unauthorized_client',
  'unsupported_grant_type',
  'invalid_scope',
  'invalid_target',
  'access_denied'
])

/**
 * Sends a token request, and sends it again after a backoff, or after the
 * endpoint's `Retry-After`, while it fails for availability: a refused or
 * reset connection, a timeout, 408, 429 or a 5xx. A rejection of the
 * client or grant is thrown at once. The last failure is thrown as it is.
 */
export async function retryTokenRequest<T>(
  attempt: () => Promise<T>,
  host: string,
  retry: TokenRetry | undefined
): Promise<T> {
  if (retry === undefined) return attempt()
  const { policy, log } = retry
  const started = policy.now()
  for (let number = 1; ; number++) {
    try {
      return await attempt()
    } catch (error) {
      const failure = readTransientFailure(error)
      if (failure === undefined || number >= policy.maxAttempts) throw error
      const delay = tokenRetryDelay(policy, number, failure)
      if (policy.now() - started + delay > policy.budgetMs) throw error
      log.info(
        `Retrying the token request to ${host} (attempt ${number + 1} of ` +
          `${policy.maxAttempts}) in ${(delay / 1000).toFixed(1)} s: ` +
          failure.summary
      )
      await policy.sleep(delay)
    }
  }
}

function tokenRetryDelay(
  policy: RetryPolicy,
  retry: number,
  failure: TransientFailure
): number {
  const retryAfter = parseRetryAfter(failure.retryAfter, policy.now())
  if (retryAfter === undefined) return backoffDelay(policy, retry)
  return Math.min(retryAfter, policy.maxRetryAfterMs)
}

/**
 * Describes a failure of oauth4webapi or fetch that may clear up, or
 * returns undefined. Errors are matched by name, because fetch may raise
 * them from another realm.
 */
function readTransientFailure(error: unknown): TransientFailure | undefined {
  if (error instanceof oauth.ResponseBodyError) {
    if (REJECTION_CODES.has(error.error)) return undefined
    return transientStatus(error.status, error.response.headers)
  }
  if (error instanceof oauth.WWWAuthenticateChallengeError) return undefined
  const name = (error as { name?: unknown } | undefined)?.name
  if (name === 'TimeoutError') return { summary: 'timed out' }
  if (name === 'TypeError') {
    const code = errorCode(error)
    return TRANSIENT_CONNECTION_CODES.has(code) ? { summary: code } : undefined
  }
  // oauth4webapi puts a response that is not a token response, such as
  // a proxy's 503 page, in the `cause` of its processing error.
  const cause = (error as { cause?: unknown } | undefined)?.cause
  return cause instanceof Response
    ? transientStatus(cause.status, cause.headers)
    : undefined
}

function transientStatus(
  status: number,
  headers: Headers
): TransientFailure | undefined {
  if (!TRANSIENT_STATUSES.has(status)) return undefined
  const retryAfter = headers.get('retry-after')
  return {
    summary: `HTTP ${status}`,
    ...(retryAfter === null ? {} : { retryAfter })
  }
}
