import { describe, expect, it } from '@jest/globals'

import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import {
  parseGcsLocation,
  readGcsEndpoint
} from '../../../src/storage/gcs-location.js'

describe('parseGcsLocation', () => {
  it.each([
    ['gs://bucket/a/b/', { bucket: 'bucket', prefix: 'a/b' }],
    ['gs://bucket', { bucket: 'bucket', prefix: '' }],
    ['s3://bucket/a', undefined]
  ])('parses %s', (uri, expected) => {
    expect(parseGcsLocation(uri)).toEqual(expected)
  })
})

describe('readGcsEndpoint', () => {
  it('defaults to the JSON API', () => {
    expect(readGcsEndpoint({}).url.href).toBe('https://storage.googleapis.com/')
  })

  it('reads a host without a scheme as http', () => {
    const endpoint = readGcsEndpoint({
      STORAGE_EMULATOR_HOST: '127.0.0.1:4443'
    })

    expect(endpoint.url.href).toBe('http://127.0.0.1:4443/')
  })

  it('rejects plain http off loopback', () => {
    expect(() =>
      readGcsEndpoint({ STORAGE_EMULATOR_HOST: 'gcs.example.com:4443' })
    ).toThrow(DiagnosedError)
  })
})
