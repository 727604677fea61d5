import { describe, expect, it } from '@jest/globals'

import { HttpError } from '../../../src/http/errors.js'
import { readResponseFacts } from '../../../src/http/response-facts.js'
import {
  isExpiredCredentials,
  storageErrorCode,
  storageRejected
} from '../../../src/storage/storage-rejected.js'

const VERSION = {
  name: 'main.ml.model',
  version: '3',
  storage_location: 's3://bucket/models/v3',
  tags: [],
  aliases: []
}

function httpError(status: number, body: string): HttpError {
  return new HttpError(
    {
      method: 'PUT',
      url: 'https://bucket.s3.amazonaws.com/models/v3/MLmodel',
      operation: 'upload model file to S3',
      credential: { kind: 'none' },
      host: 'bucket.s3.amazonaws.com'
    },
    readResponseFacts(status, {}, body),
    `returned HTTP ${status}`
  )
}

describe('storageRejected', () => {
  const now = new Date('2026-01-01T12:00:00Z')

  it.each([
    [403, '<Error><Code>AuthenticationFailed</Code></Error>', true],
    [401, '{"error":{"errors":[{"reason":"authError"}]}}', true],
    [400, '<Error><Code>ExpiredToken</Code></Error>', true],
    [400, '<Error><Code>InvalidArgument</Code></Error>', false],
    [404, '<Error><Code>NoSuchBucket</Code></Error>', false],
    [500, '', false]
  ])('classifies HTTP %i %s', (status, body, rejected) => {
    const result = storageRejected(
      httpError(status, body),
      VERSION,
      'Amazon S3',
      {},
      now
    )

    expect(result?.diagnosis.code).toBe(
      rejected ? 'STORAGE_REJECTED' : undefined
    )
  })

  it('names the storage and the expiry', () => {
    const result = storageRejected(
      httpError(403, '<Error><Code>AccessDenied</Code></Error>'),
      VERSION,
      'Amazon S3',
      { expiration_time: Date.parse('2026-01-01T11:00:00Z') },
      now
    )

    expect(result?.diagnosis.detail).toContain('Amazon S3 answered HTTP 403')
    expect(result?.diagnosis.detail).toContain('AccessDenied')
    expect(result?.diagnosis.detail).toContain(
      'expired at 2026-01-01T11:00:00.000Z'
    )
  })

  it('ignores errors without an answer', () => {
    expect(
      storageRejected(new Error('reset'), VERSION, 'Amazon S3', {}, now)
    ).toBeUndefined()
  })
})

describe('storageErrorCode', () => {
  it.each([
    ['<Error><Code> ExpiredToken </Code></Error>', 'ExpiredToken'],
    ['{"error":{"errors":[{"reason":"required"}]}}', 'required'],
    ['plain text', undefined]
  ])('reads %s', (body, code) => {
    expect(storageErrorCode(body)).toBe(code)
  })
})

describe('isExpiredCredentials', () => {
  const azureExpired =
    '<Error><Code>AuthenticationFailed</Code><AuthenticationErrorDetail>' +
    'Signed expiry time [Mon, 01 Jan 2026 11:00:00 GMT] must be after ' +
    'signed start time</AuthenticationErrorDetail></Error>'

  it.each([
    [400, '<Error><Code>ExpiredToken</Code></Error>', true],
    [403, '<Error><Code>TokenRefreshRequired</Code></Error>', true],
    [
      403,
      '<Error><Code>AccessDenied</Code><Message>Request has expired' +
        '</Message></Error>',
      true
    ],
    [403, azureExpired, true],
    [403, '<Error><Code>SignatureDoesNotMatch</Code></Error>', false],
    [403, '<Error><Code>AccessDenied</Code></Error>', false],
    [401, '{"error":{"errors":[{"reason":"authError"}]}}', false],
    [
      404,
      '<Error><Code>NoSuchKey</Code><Message>expired</Message></Error>',
      false
    ]
  ])('classifies HTTP %i %s', (status, body, expired) => {
    expect(isExpiredCredentials(httpError(status, body))).toBe(expired)
  })

  it('ignores errors without an HTTP answer', () => {
    expect(isExpiredCredentials(new Error('ExpiredToken'))).toBe(false)
  })
})
