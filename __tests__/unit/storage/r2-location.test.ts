import { describe, expect, it } from '@jest/globals'

import {
  parseR2Location,
  r2BucketUrl,
  readR2Endpoint
} from '../../../src/storage/r2-location.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'

const HOST = 'acct.r2.cloudflarestorage.com'

describe('parseR2Location', () => {
  it.each([
    [
      `r2://models@${HOST}/a/b/`,
      { bucket: 'models', host: HOST, prefix: 'a/b' }
    ],
    [`r2://models@${HOST}`, { bucket: 'models', host: HOST, prefix: '' }],
    ['s3://models/a', undefined],
    [`r2://${HOST}/a`, undefined]
  ])('parses %s', (uri, expected) => {
    expect(parseR2Location(uri)).toEqual(expected)
  })
})

describe('r2BucketUrl', () => {
  const location = { bucket: 'models', host: HOST, prefix: '' }

  it('addresses the account host virtual-hosted', () => {
    expect(r2BucketUrl({}, location).href).toBe(`https://models.${HOST}/`)
  })

  it('addresses an endpoint path-style', () => {
    const url = new URL('http://127.0.0.1:9000/')

    expect(r2BucketUrl({ url }, location).href).toBe(
      'http://127.0.0.1:9000/models'
    )
  })
})

describe('readR2Endpoint', () => {
  it('reads MLFLOW_R2_ENDPOINT_URL', () => {
    const endpoint = readR2Endpoint({
      MLFLOW_R2_ENDPOINT_URL: 'http://127.0.0.1:9000'
    })

    expect(endpoint.url?.port).toBe('9000')
  })

  it('rejects plain http off loopback', () => {
    expect(() =>
      readR2Endpoint({ MLFLOW_R2_ENDPOINT_URL: 'http://r2.example.com' })
    ).toThrow(DiagnosedError)
  })
})
