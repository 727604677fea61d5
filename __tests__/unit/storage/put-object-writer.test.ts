import { Readable } from 'node:stream'

import { describe, expect, it } from '@jest/globals'

import type { TemporaryCredentials } from '../../../src/mlflow/unity-catalog.js'
import { encodeObjectKey } from '../../../src/storage/put-object-writer.js'
import { S3Signer, UNSIGNED_PAYLOAD } from '../../../src/storage/s3-signer.js'
import { encryptionHeaders } from '../../../src/storage/s3-writer.js'

const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret-key' }

describe('encodeObjectKey', () => {
  it('encodes the characters S3 signs encoded', () => {
    expect(encodeObjectKey("models/it's (v1)*!/a b.txt")).toBe(
      'models/it%27s%20%28v1%29%2A%21/a%20b.txt'
    )
  })

  it('keeps unreserved characters and slashes', () => {
    expect(encodeObjectKey('a-b_c.d~e/MLmodel')).toBe('a-b_c.d~e/MLmodel')
  })
})

describe('S3Signer payload hash', () => {
  async function signedHeaders(body: string | undefined, stream = false) {
    let opened = 0
    const headers: Record<string, string> = {}
    await new S3Signer(KEYS, 'us-east-1').authorize(headers, {
      method: 'PUT',
      url: new URL('https://bucket.s3.us-east-1.amazonaws.com/key'),
      body: stream
        ? {
            open: () => {
              opened++
              return Readable.from([Buffer.from('abc')])
            }
          }
        : body
    })
    return { headers, opened }
  }

  it('sends a stream unsigned without reading it', async () => {
    const { headers, opened } = await signedHeaders(undefined, true)
    expect(headers['x-amz-content-sha256']).toBe(UNSIGNED_PAYLOAD)
    expect(opened).toBe(0)
  })

  it('signs the hash of a string body', async () => {
    const { headers } = await signedHeaders('abc')
    expect(headers['x-amz-content-sha256']).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad'
    )
  })
})

describe('encryptionHeaders', () => {
  function kms(arn?: string): TemporaryCredentials {
    return {
      encryption_details: {
        sse_encryption_details: {
          algorithm: 'AWS_SSE_KMS',
          ...(arn ? { aws_kms_key_arn: arn } : {})
        }
      }
    }
  }

  it('names the KMS key when given', () => {
    expect(encryptionHeaders(kms('arn:aws:kms:k'))).toContainEqual({
      name: 'x-amz-server-side-encryption-aws-kms-key-id',
      value: 'arn:aws:kms:k'
    })
  })

  it('sends no empty KMS key id', () => {
    expect(encryptionHeaders(kms())).toEqual([
      { name: 'x-amz-server-side-encryption', value: 'aws:kms' }
    ])
  })
})
