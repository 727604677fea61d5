import { describe, expect, it } from '@jest/globals'

import { isDeferrable } from '../../../src/bundle/defer.js'
import { AVAILABILITY_CODES } from '../../../src/diagnosis/codes.js'
import type { RequestError } from '../../../src/http/errors.js'
import { isTransient } from '../../../src/http/retry.js'
import { classifyFailure } from '../../../src/preflight/classify.js'
import { connectionError, httpError } from '../fixtures/errors.js'

const json = (code: string, message = 'x'): string =>
  JSON.stringify({ error_code: code, message })
const HTML = { 'content-type': 'text/html' }
const TEXT = { 'content-type': 'text/plain' }

/** Failures that clear up: retried, then deferred into a bundle. */
const AVAILABILITY: readonly [string, RequestError][] = [
  ['connection refused', connectionError('ECONNREFUSED')],
  ['connection reset', connectionError('ECONNRESET')],
  ['connect timeout', connectionError('UND_ERR_CONNECT_TIMEOUT')],
  ['headers timeout', connectionError('UND_ERR_HEADERS_TIMEOUT')],
  ['502 from a gateway', httpError(502, HTML, '<html>Bad Gateway</html>')],
  ['503 from an ingress', httpError(503, {}, '')],
  ['504 from a gateway', httpError(504, HTML, '<html>Timeout</html>')],
  ['500 INTERNAL_ERROR', httpError(500, {}, json('INTERNAL_ERROR'))],
  ['429 rate limit', httpError(429, { 'retry-after': '1' }, '')],
  [
    '500 with a locked SQLite database',
    httpError(
      500,
      {},
      json('INTERNAL_ERROR', '(sqlite3.OperationalError) database is locked')
    )
  ],
  [
    '400 with an exhausted SQLAlchemy connection pool',
    httpError(
      400,
      {},
      json(
        'BAD_REQUEST',
        'QueuePool limit of size 5 overflow 10 reached, connection ' +
          'timed out, timeout 30.00'
      )
    )
  ]
]

/** Failures that never clear up: neither retried nor deferred. */
const PERMANENT: readonly [string, RequestError][] = [
  [
    'auth app 401',
    httpError(
      401,
      { 'www-authenticate': 'Basic realm="mlflow"', ...HTML },
      'You are not authenticated. Please see the documentation.'
    )
  ],
  ['auth app 403', httpError(403, HTML, 'Permission denied')],
  ['proxy 403 with Via', httpError(403, { ...HTML, via: '1.1 proxy' }, '')],
  [
    'host check 403',
    httpError(
      403,
      TEXT,
      'Invalid Host header - possible DNS rebinding attack detected'
    )
  ],
  ['HTML 404 at a wrong path', httpError(404, HTML, '<html>404</html>')],
  ['nginx 413', httpError(413, { ...HTML, server: 'nginx' }, '<html/>')],
  ['untrusted certificate', connectionError('SELF_SIGNED_CERT_IN_CHAIN')],
  ['hostname mismatch', connectionError('ERR_TLS_CERT_ALTNAME_INVALID')],
  ['plain HTTP port', connectionError('ERR_SSL_WRONG_VERSION_NUMBER')],
  ['unknown host', connectionError('ENOTFOUND')],
  [
    'invalid alias',
    httpError(400, {}, json('INVALID_PARAMETER_VALUE', 'Invalid alias'))
  ],
  [
    'registry store refused',
    httpError(
      400,
      {},
      json(
        'INVALID_PARAMETER_VALUE',
        'Model registry functionality is unavailable; got unsupported URI'
      )
    )
  ],
  [
    '500 with SQL truncation text',
    httpError(
      500,
      {},
      json('INTERNAL_ERROR', '(psycopg2.errors) value too long for type')
    )
  ],
  [
    '500 about artifact serving',
    httpError(
      500,
      {},
      json('INTERNAL_ERROR', 'start the server with --serve-artifacts')
    )
  ]
]

describe('retry policy and classifier', () => {
  it.each(AVAILABILITY)('%s is retried', (_name, error) => {
    expect(isTransient(error)).toBe(true)
  })

  it.each(AVAILABILITY)('%s is deferrable', (_name, error) => {
    expect(isDeferrable(classifyFailure(error))).toBe(true)
  })

  it.each(PERMANENT)('%s is never retried', (_name, error) => {
    expect(isTransient(error)).toBe(false)
  })

  it.each(PERMANENT)('%s is never deferred', (_name, error) => {
    expect(isDeferrable(classifyFailure(error))).toBe(false)
  })

  it.each([...AVAILABILITY, ...PERMANENT])(
    '%s: retry follows the diagnosis code',
    (_name, error) => {
      const code = classifyFailure(error).code
      expect(isTransient(error)).toBe(AVAILABILITY_CODES.has(code))
    }
  )
})
