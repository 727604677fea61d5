import { describe, expect, it } from '@jest/globals'

import {
  backoffDelay,
  defaultRetryPolicy,
  isTransient,
  parseRetryAfter,
  retryDelay,
  type RetryPolicy
} from '../../../src/http/retry.js'
import { connectionError, httpError } from '../fixtures/errors.js'

const NOW = Date.parse('2026-03-02T10:00:00Z')

function policy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  return {
    ...defaultRetryPolicy(5),
    random: () => 1,
    now: () => NOW,
    sleep: () => Promise.resolve(),
    ...overrides
  }
}

const mlflowError = (code: string): string =>
  JSON.stringify({ error_code: code, message: 'x' })

describe('parseRetryAfter', () => {
  it.each([
    ['7', 7000],
    [' 7 ', 7000],
    ['0', 0],
    ['1.5', 1500],
    ['Mon, 02 Mar 2026 10:00:30 GMT', 30_000],
    ['Monday, 02-Mar-26 10:00:30 GMT', 30_000],
    ['Mon, 02 Mar 2026 09:59:00 GMT', 0]
  ])('reads %j as %d ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected)
  })

  it.each([undefined, '', 'soon', '-1', '1e3', '12abc'])(
    'ignores %j',
    value => {
      expect(parseRetryAfter(value, NOW)).toBeUndefined()
    }
  )
})

describe('backoffDelay', () => {
  it.each([
    [1, 500],
    [2, 1000],
    [3, 2000],
    [5, 8000],
    [6, 15_000],
    [10, 15_000]
  ])('caps retry %d at %d ms with the top draw', (retry, expected) => {
    expect(backoffDelay(policy(), retry)).toBe(expected)
  })

  it('scales the ceiling by the random draw', () => {
    expect(backoffDelay(policy({ random: () => 0.25 }), 3)).toBe(500)
  })

  it('may retry at once when the draw is zero', () => {
    expect(backoffDelay(policy({ random: () => 0 }), 4)).toBe(0)
  })
})

describe('retryDelay', () => {
  it('honours Retry-After seconds', () => {
    const error = httpError(503, { 'retry-after': '7' }, '')
    expect(retryDelay(policy(), 1, error)).toBe(7000)
  })

  it('honours a Retry-After date against the injected clock', () => {
    const error = httpError(
      429,
      { 'retry-after': 'Mon, 02 Mar 2026 10:00:12 GMT' },
      ''
    )
    expect(retryDelay(policy(), 1, error)).toBe(12_000)
  })

  it('caps Retry-After at the longest accepted wait', () => {
    const error = httpError(503, { 'retry-after': '3600' }, '')
    expect(retryDelay(policy(), 1, error)).toBe(60_000)
  })

  it('backs off without Retry-After', () => {
    expect(retryDelay(policy(), 2, httpError(503, {}, ''))).toBe(1000)
  })

  it('backs off after a connection error', () => {
    expect(retryDelay(policy(), 3, connectionError('ECONNRESET'))).toBe(2000)
  })
})

describe('isTransient', () => {
  it.each([
    [408, '', true],
    [429, '', true],
    [500, '', true],
    [502, '<html>Bad Gateway</html>', true],
    [503, '', true],
    [504, '', true],
    [500, mlflowError('INTERNAL_ERROR'), true],
    [503, mlflowError('TEMPORARILY_UNAVAILABLE'), true],
    [500, mlflowError('INVALID_PARAMETER_VALUE'), false],
    [500, mlflowError('BAD_REQUEST'), false],
    [501, mlflowError('NOT_IMPLEMENTED'), false],
    [400, mlflowError('INVALID_PARAMETER_VALUE'), false],
    [401, '', false],
    [403, 'Permission denied', false],
    [404, '', false],
    [413, '', false]
  ])('HTTP %d with body %j: %s', (status, body, expected) => {
    expect(isTransient(httpError(status, {}, body))).toBe(expected)
  })

  it.each([
    ['ECONNREFUSED', true],
    ['ECONNRESET', true],
    ['ETIMEDOUT', true],
    ['EAI_AGAIN', true],
    ['UND_ERR_CONNECT_TIMEOUT', true],
    ['UND_ERR_HEADERS_TIMEOUT', true],
    ['UND_ERR_SOCKET', true],
    ['ENOTFOUND', false],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', false],
    ['ERR_TLS_CERT_ALTNAME_INVALID', false],
    ['ERR_SSL_WRONG_VERSION_NUMBER', false],
    ['UNKNOWN', false]
  ])('connection error %s: %s', (code, expected) => {
    expect(isTransient(connectionError(code))).toBe(expected)
  })
})

describe('defaultRetryPolicy', () => {
  it('keeps the attempt count it is given', () => {
    expect(defaultRetryPolicy(3).maxAttempts).toBe(3)
  })

  it('waits longer than zero before the first retry', () => {
    expect(defaultRetryPolicy(3).baseDelayMs).toBeGreaterThan(0)
  })

  it('caps the retries of a request at 120 s by default', () => {
    expect(defaultRetryPolicy(3).budgetMs).toBe(120_000)
  })

  it('takes the first wait and total cap from limits', () => {
    const policy = defaultRetryPolicy(3, { baseDelayMs: 20, budgetMs: 900 })
    expect(policy.baseDelayMs).toBe(20)
    expect(policy.budgetMs).toBe(900)
  })
})
