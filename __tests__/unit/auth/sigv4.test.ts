import { createHash } from 'node:crypto'
import { Readable } from 'node:stream'

import { describe, expect, it, jest } from '@jest/globals'

import { resolveAuth } from '../../../src/auth/resolve-auth.js'
import { hashPayload, SigV4Auth } from '../../../src/auth/sigv4.js'
import type { AuthSettings } from '../../../src/config/config.js'
import type { InputName } from '../../../src/config/inputs.js'
import { parseSageMakerArn } from '../../../src/config/sagemaker-arn.js'
import type { MaskSecret } from '../../../src/config/secrets.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const ARN = 'arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/ci'
const TARGET = parseSageMakerArn({ value: ARN, origin: 'input' }, undefined)
const CREDENTIALS = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'session-token-example'
}
const NOW = new Date('2026-12-05T01:02:03Z')

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

async function authorize(
  body: string | { open(): Readable } | undefined
): Promise<Record<string, string>> {
  const auth = new SigV4Auth(TARGET, CREDENTIALS, () => NOW)
  const headers: Record<string, string> = { accept: 'application/json' }
  await auth.authorize(headers, {
    method: 'POST',
    url: new URL(`${TARGET.endpoint.href}api/2.0/mlflow/runs/create`),
    body
  })
  return headers
}

describe('SigV4Auth headers', () => {
  it('adds the tracking-server ARN header', async () => {
    const headers = await authorize('{}')
    expect(headers['x-mlflow-sm-tracking-server-arn']).toBe(ARN)
  })

  it('signs for the region and service of the ARN', async () => {
    const headers = await authorize('{}')
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20261205\/eu-west-1\/sagemaker-mlflow\/aws4_request, /
    )
  })

  it('signs the ARN header, body hash and token', async () => {
    const headers = await authorize('{}')
    expect(headers.authorization).toContain(
      'SignedHeaders=accept;host;x-amz-content-sha256;x-amz-date;' +
        'x-amz-security-token;x-mlflow-sm-tracking-server-arn,'
    )
  })

  it('sends the session token and date', async () => {
    const headers = await authorize(undefined)
    expect(headers['x-amz-security-token']).toBe('session-token-example')
    expect(headers['x-amz-date']).toBe('20261205T010203Z')
  })

  it('describes the credential without a secret', () => {
    const auth = new SigV4Auth(TARGET, CREDENTIALS)
    expect(auth.credential).toEqual({
      kind: 'aws',
      region: 'eu-west-1',
      service: 'sagemaker-mlflow'
    })
  })
})

describe('SigV4Auth payload hash', () => {
  it('hashes a JSON body', async () => {
    const headers = await authorize('{"name":"m"}')
    expect(headers['x-amz-content-sha256']).toBe(sha256('{"name":"m"}'))
  })

  it('hashes an empty body', async () => {
    const headers = await authorize(undefined)
    expect(headers['x-amz-content-sha256']).toBe(sha256(''))
  })

  it('hashes a streamed body by reading it', async () => {
    const chunks = ['first chunk,', ' second chunk']
    const body = { open: () => Readable.from(chunks.map(c => Buffer.from(c))) }
    expect(await hashPayload(body)).toBe(sha256(chunks.join('')))
  })

  it('hashes a body held in memory', async () => {
    const body = { open: () => Buffer.from('model bytes') }
    expect(await hashPayload(body)).toBe(sha256('model bytes'))
  })
})

describe('resolveAuth for a SageMaker ARN', () => {
  const ORIGINS = new Map<InputName, string>([
    ['token', 'MLFLOW_TRACKING_TOKEN'],
    ['username', 'input `username`']
  ])

  function settings(overrides: Partial<AuthSettings> = {}): AuthSettings {
    return {
      mode: 'auto',
      tokenHeader: 'Authorization',
      sagemaker: TARGET,
      aws: CREDENTIALS,
      ...overrides
    }
  }

  function resolve(auth: AuthSettings) {
    return resolveAuth(auth, ORIGINS, jest.fn<MaskSecret>())
  }

  it('auto picks sigv4', () => {
    expect(resolve(settings()).provider.mode).toBe('sigv4')
  })

  it('auto picks sigv4 over a token', () => {
    const resolution = resolve(settings({ token: 'tok-secret' }))
    expect(resolution.provider.mode).toBe('sigv4')
  })

  it('reports a token as ignored', () => {
    const { ignored } = resolve(settings({ token: 'tok-secret' }))
    expect(ignored).toEqual([
      'token (from MLFLOW_TRACKING_TOKEN): a SageMaker ARN is signed with ' +
        'AWS SigV4, and no token or password is sent to it'
    ])
  })

  it('reports Basic credentials as ignored', () => {
    const { ignored } = resolve(
      settings({ username: 'ci-bot', password: 'pw-secret' })
    )
    expect(ignored).toHaveLength(2)
    expect(ignored[0]).toMatch(/^username \(from input `username`\): a Sage/)
  })

  it.each(['basic', 'bearer', 'none'] as const)(
    'rejects auth-mode %s for an ARN',
    mode => {
      const { diagnosis } = diagnosedErrorOf(() =>
        resolve(settings({ mode, token: 't', username: 'u', password: 'p' }))
      )
      expect(diagnosis.code).toBe('CLIENT_CONFIG')
      expect(diagnosis.detail).toContain(`auth-mode is ${mode}`)
    }
  )

  it('rejects auth-mode sigv4 for a URL', () => {
    const auth = { mode: 'sigv4', tokenHeader: 'Authorization' } as const
    const { diagnosis } = diagnosedErrorOf(() => resolve(auth))
    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.detail).toContain('not a SageMaker ARN')
  })

  it.each([
    [{}, 'AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set'],
    [{ accessKeyId: 'AKID' }, 'AWS_SECRET_ACCESS_KEY is not set'],
    [{ secretAccessKey: 's' }, 'AWS_ACCESS_KEY_ID is not set']
  ])('rejects missing credentials %j', (aws, problem) => {
    const { diagnosis } = diagnosedErrorOf(() => resolve(settings({ aws })))
    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.detail).toContain(problem)
    expect(diagnosis.fix).toContain('configure-aws-credentials')
  })
})
