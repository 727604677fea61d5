import { AVAILABILITY_CODES } from '../diagnosis/codes.js'
import { classifyFailure } from '../preflight/classify.js'
import { isDatabaseContention } from './database-contention.js'
import { ConnectionError, HttpError, type RequestError } from './errors.js'

/** How often and how long to retry a request the server did not serve. */
export interface RetryPolicy {
  readonly maxAttempts: number
  /** The first backoff delay; each later one doubles, with full jitter. */
  readonly baseDelayMs: number
  readonly maxDelayMs: number
  /** The longest `Retry-After` the action will wait for. */
  readonly maxRetryAfterMs: number
  /** The total time retries may add to one request. */
  readonly budgetMs: number
  readonly sleep: (ms: number) => Promise<void>
  readonly random: () => number
  readonly now: () => number
}

/** The limits of a retry policy that inputs may set. */
export type RetryLimits = Partial<Pick<RetryPolicy, 'baseDelayMs' | 'budgetMs'>>

/**
 * Builds the default policy around an attempt count: a 0.5 s first wait,
 * doubling up to 15 s, `Retry-After` honoured up to 60 s, and 120 s of
 * retries per request in all, unless `limits` sets other values.
 */
export function defaultRetryPolicy(
  maxAttempts: number,
  limits: RetryLimits = {}
): RetryPolicy {
  return {
    maxAttempts,
    baseDelayMs: limits.baseDelayMs ?? 500,
    maxDelayMs: 15_000,
    maxRetryAfterMs: 60_000,
    budgetMs: limits.budgetMs ?? 120_000,
    sleep: ms => new Promise(resolve => setTimeout(resolve, ms)),
    random: Math.random,
    now: Date.now
  }
}

/** Statuses that mean "not now" rather than "no". */
export const TRANSIENT_STATUSES = new Set([408, 429, 500, 502, 503, 504])

/** MLflow error codes that a 5xx may carry and that do not clear up. */
const PERMANENT_ERROR_CODES = new Set([
  'BAD_REQUEST',
  'INVALID_PARAMETER_VALUE',
  'INVALID_STATE',
  'DATA_LOSS',
  'NOT_IMPLEMENTED'
])

/** Connection error codes that mean the server may come back. */
export const TRANSIENT_CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED'
])

/**
 * Whether a failure may clear up on its own. The status or connection
 * error must be one that can pass, and the classifier must file the
 * failure under availability: a 5xx that carries database schema text or
 * names a server setting is a configuration problem and is not retried.
 * Authentication, permission, TLS and validation failures never pass.
 */
export function isTransient(error: RequestError): boolean {
  return (
    mayClearUp(error) && AVAILABILITY_CODES.has(classifyFailure(error).code)
  )
}

function mayClearUp(error: RequestError): boolean {
  if (error instanceof ConnectionError) {
    return TRANSIENT_CONNECTION_CODES.has(error.code)
  }
  if (!(error instanceof HttpError)) return false
  const { status, errorBody, body } = error.response
  if (isDatabaseContention(errorBody?.message ?? body)) return true
  if (!TRANSIENT_STATUSES.has(status)) return false
  const code = errorBody?.errorCode
  return code === undefined || !PERMANENT_ERROR_CODES.has(code)
}

/** The backoff before retry number `retry` (1-based), with full jitter. */
export function backoffDelay(policy: RetryPolicy, retry: number): number {
  const ceiling = Math.min(
    policy.maxDelayMs,
    policy.baseDelayMs * 2 ** (retry - 1)
  )
  return Math.round(policy.random() * ceiling)
}

/**
 * Reads `Retry-After` in either form (RFC 9110): delay-seconds or an
 * HTTP date. Returns the wait in milliseconds, or undefined.
 */
export function parseRetryAfter(
  value: string | undefined,
  now: number
): number | undefined {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  // Fractional seconds are not in RFC 9110, but some servers send them.
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    return Math.round(Number(trimmed) * 1000)
  }
  // An HTTP date names a day or month. Without this check, Date.parse in
  // V8 reads values such as "-1" as dates in 2001, so the retry would not
  // wait at all.
  if (!/[a-z]/i.test(trimmed)) return undefined
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, date - now)
}

/** The wait before the next attempt: `Retry-After` if given, else backoff. */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  error: RequestError
): number {
  const retryAfter =
    error instanceof HttpError
      ? parseRetryAfter(error.response.retryAfter, policy.now())
      : undefined
  if (retryAfter === undefined) return backoffDelay(policy, retry)
  return Math.min(retryAfter, policy.maxRetryAfterMs)
}
