import { describe, expect, it } from '@jest/globals'

import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'
import {
  bucketUrl,
  parseS3Location,
  readS3Endpoint
} from '../../../src/storage/s3-location.js'
import { thrownBy } from '../fixtures/thrown.js'

describe('parseS3Location', () => {
  it.each([
    ['s3://bucket/models/a/versions/1', 'bucket', 'models/a/versions/1'],
    ['s3://bucket/models/', 'bucket', 'models'],
    ['s3://bucket', 'bucket', ''],
    ['s3a://bucket/x', 'bucket', 'x']
  ])('parses %s', (uri, bucket, prefix) => {
    expect(parseS3Location(uri)).toEqual({ bucket, prefix })
  })

  it.each([
    'abfss://models@account.dfs.core.windows.net/a',
    'gs://bucket/a',
    ''
  ])('rejects %s', uri => {
    expect(parseS3Location(uri)).toBeUndefined()
  })
})

describe('readS3Endpoint', () => {
  it('defaults to us-east-1 on AWS', () => {
    expect(readS3Endpoint({})).toEqual({ region: 'us-east-1' })
  })

  it('prefers AWS_REGION', () => {
    const endpoint = readS3Endpoint({
      AWS_REGION: 'eu-west-1',
      AWS_DEFAULT_REGION: 'us-west-2'
    })

    expect(endpoint.region).toBe('eu-west-1')
  })

  it('reads MLFLOW_S3_ENDPOINT_URL', () => {
    const endpoint = readS3Endpoint({
      MLFLOW_S3_ENDPOINT_URL: 'http://127.0.0.1:9000'
    })

    expect(endpoint.url?.href).toBe('http://127.0.0.1:9000/')
  })

  it('names an invalid endpoint variable', () => {
    const error = thrownBy(() =>
      readS3Endpoint({ MLFLOW_S3_ENDPOINT_URL: 'minio:9000' })
    )

    expect(error).toBeInstanceOf(DiagnosedError)
    expect((error as DiagnosedError).diagnosis.detail).toContain(
      'MLFLOW_S3_ENDPOINT_URL'
    )
  })
})

describe('bucketUrl', () => {
  it('uses path style on an endpoint', () => {
    const url = bucketUrl(
      { url: new URL('http://127.0.0.1:9000/'), region: 'us-east-1' },
      'models'
    )

    expect(url.href).toBe('http://127.0.0.1:9000/models')
  })

  it('uses the virtual-hosted AWS URL', () => {
    const url = bucketUrl({ region: 'eu-west-1' }, 'models')

    expect(url.href).toBe('https://models.s3.eu-west-1.amazonaws.com/')
  })
})
