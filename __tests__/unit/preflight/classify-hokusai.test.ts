import { describe, expect, it } from '@jest/globals'

import type { Credential } from '../../../src/auth/provider.js'
import type { DiagnosisCode } from '../../../src/diagnosis/codes.js'
import { classifyFailure } from '../../../src/preflight/classify.js'
import { httpError } from '../fixtures/errors.js'

/** Bodies as the Hokusai gateway and API proxy send them. */
const BODIES = {
  keyRequired: { detail: 'API key required' },
  invalid: { detail: 'Invalid API key' },
  expired: { detail: 'Invalid or expired API key' },
  adminRequired: {
    detail: 'Admin access required for the model registry',
    error: 'REGISTRY_ADMIN_REQUIRED'
  },
  forbidden: {
    detail: 'Insufficient permissions for this operation',
    error: 'FORBIDDEN',
    message:
      'This operation requires write permissions. Your API key has ' +
      "scopes: ['model:read']. Required: 'model:write' or 'mlflow:write'",
    required_scope: 'model:write or mlflow:write',
    current_scopes: ['model:read']
  },
  authDown: { detail: 'Authentication service unavailable' }
} as const

const HOKUSAI_KEY: Credential = {
  kind: 'token',
  header: 'Authorization',
  scheme: 'Bearer',
  label: 'Hokusai API key'
}

const CREATE = {
  method: 'POST',
  url: 'https://registry.hokus.ai/mlflow/api/2.0/mlflow/model-versions/create',
  operation: 'create model version',
  credential: HOKUSAI_KEY
}

interface Case {
  readonly name: string
  readonly status: number
  readonly body: object
  readonly credential?: Credential
  readonly code: DiagnosisCode
  readonly title: string
  readonly detail: string
  readonly fix: string
}

const CASES: readonly Case[] = [
  {
    name: 'registry admin required',
    status: 403,
    body: BODIES.adminRequired,
    code: 'FORBIDDEN_PERMISSION',
    title: 'Hokusai requires registry admin access',
    detail: 'open only to registry admins',
    fix: 'hokusai model register'
  },
  {
    name: 'write scope missing',
    status: 403,
    body: BODIES.forbidden,
    code: 'FORBIDDEN_PERMISSION',
    title: 'Hokusai denied the write for this API key',
    detail: 'no write scope for create model version',
    fix: 'model:write or mlflow:write scope'
  },
  {
    name: 'key required, none sent',
    status: 401,
    body: BODIES.keyRequired,
    credential: { kind: 'none' },
    code: 'AUTH_MISSING',
    title: 'Hokusai requires an API key',
    detail: 'the action sent none',
    fix: 'HOKUSAI_API_KEY'
  },
  {
    name: 'key required, key dropped',
    status: 401,
    body: BODIES.keyRequired,
    code: 'AUTH_MISSING',
    title: 'Hokusai requires an API key',
    detail: 'none arrived although the action sent a Hokusai API key',
    fix: 'drops the header'
  },
  {
    name: 'invalid key',
    status: 401,
    body: BODIES.invalid,
    code: 'AUTH_REJECTED',
    title: 'Hokusai rejected the API key',
    detail: 'invalid or expired',
    fix: 'new API key'
  },
  {
    name: 'expired key',
    status: 401,
    body: BODIES.expired,
    code: 'AUTH_REJECTED',
    title: 'Hokusai rejected the API key',
    detail: 'invalid or expired',
    fix: 'new API key'
  },
  {
    name: 'auth service down',
    status: 503,
    body: BODIES.authDown,
    code: 'SERVER_UNAVAILABLE',
    title: 'The tracking server is unavailable',
    detail: "Hokusai's auth service",
    fix: 'Try again later'
  }
]

describe('classifyFailure of Hokusai refusals', () => {
  it.each(CASES)('$name', testCase => {
    const error = httpError(
      testCase.status,
      { 'content-type': 'application/json' },
      JSON.stringify(testCase.body),
      { ...CREATE, credential: testCase.credential ?? HOKUSAI_KEY }
    )
    const diagnosis = classifyFailure(error)
    expect(diagnosis.code).toBe(testCase.code)
    expect(diagnosis.title).toBe(testCase.title)
    expect(diagnosis.detail).toContain(testCase.detail)
    expect(diagnosis.fix).toContain(testCase.fix)
  })

  it('leaves other detail bodies alone', () => {
    const error = httpError(
      403,
      { 'content-type': 'application/json' },
      JSON.stringify({ detail: 'Not allowed here' }),
      CREATE
    )
    expect(classifyFailure(error).code).toBe('FORBIDDEN_NON_MLFLOW')
  })
})
