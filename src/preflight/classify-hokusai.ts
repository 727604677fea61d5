import { describeCredential } from '../auth/provider.js'
import { diagnose, type Diagnosis } from '../diagnosis/diagnosis.js'
import type { HttpError } from '../http/errors.js'
import { httpEvidence } from './evidence.js'

/**
 * The `detail` texts of the Hokusai platform's gateway and API proxy
 * (Hokusai-protocol/hokusai-data-pipeline, commit f4c4c38): FastAPI-style
 * `{"detail": ...}` bodies, with an `error` code on some 403s.
 */
const HOKUSAI_TEXTS = {
  keyRequired: 'API key required',
  invalidKeys: ['Invalid API key', 'Invalid or expired API key'],
  adminRequired: 'REGISTRY_ADMIN_REQUIRED',
  forbidden: 'Insufficient permissions for this operation',
  authDown: 'Authentication service unavailable'
} as const

/** The admin scopes the Hokusai gateway accepts unless configured. */
const DEFAULT_ADMIN_SCOPES =
  'admin, mlflow:admin, registry:admin or model-registry:admin'

/**
 * Classifies the Hokusai platform's refusals by their exact texts;
 * returns undefined for any other response.
 */
export function classifyHokusaiError(error: HttpError): Diagnosis | undefined {
  const body = error.response.errorBody
  if (body?.shape !== 'detail') return undefined
  const { status } = error.response
  if (status === 403 && body.errorCode === HOKUSAI_TEXTS.adminRequired) {
    return adminRequired(error)
  }
  if (status === 403 && body.message === HOKUSAI_TEXTS.forbidden) {
    return writeScopeMissing(error)
  }
  if (status === 401 && body.message === HOKUSAI_TEXTS.keyRequired) {
    return keyMissing(error)
  }
  const invalid: readonly string[] = HOKUSAI_TEXTS.invalidKeys
  if (status === 401 && invalid.includes(body.message)) {
    return diagnose(
      'AUTH_REJECTED',
      "Hokusai's auth service rejected the API key as invalid or " +
        `expired (${describeCredential(error.request.credential)}).`,
      'Create a new API key on the Hokusai platform and store it as the ' +
        'secret that `token` or HOKUSAI_API_KEY reads.',
      httpEvidence(error),
      'Hokusai rejected the API key'
    )
  }
  if (status === 503 && body.message === HOKUSAI_TEXTS.authDown) {
    return diagnose(
      'SERVER_UNAVAILABLE',
      "Hokusai's auth service could not be reached to check the API key.",
      'Try again later; the platform sends Retry-After: 1 with this answer.',
      httpEvidence(error)
    )
  }
  return undefined
}

function adminRequired(error: HttpError): Diagnosis {
  return diagnose(
    'FORBIDDEN_PERMISSION',
    "Hokusai accepted the API key, but the platform's MLflow registry is " +
      'open only to registry admins and this key belongs to a user who is ' +
      `not one, so ${error.request.operation} was denied ` +
      '(REGISTRY_ADMIN_REQUIRED).',
    'Ask a Hokusai platform admin to make the user of this key a registry ' +
      'admin: the admin flag, an email on the registry admin list, or a ' +
      `scope such as ${DEFAULT_ADMIN_SCOPES} (the defaults). Without that, ` +
      "register through Hokusai's own `hokusai model register` command.",
    httpEvidence(error),
    'Hokusai requires registry admin access'
  )
}

function writeScopeMissing(error: HttpError): Diagnosis {
  const required =
    /"required_scope":\s*"([^"]+)"/.exec(error.response.body)?.[1] ??
    'model:write or mlflow:write'
  return diagnose(
    'FORBIDDEN_PERMISSION',
    'Hokusai accepted the API key, but the key has no write scope for ' +
      `${error.request.operation}.`,
    `Ask for an API key with the ${required} scope.`,
    httpEvidence(error),
    'Hokusai denied the write for this API key'
  )
}

function keyMissing(error: HttpError): Diagnosis {
  const { credential } = error.request
  const sent = credential.kind !== 'none'
  return diagnose(
    'AUTH_MISSING',
    `Hokusai requires an API key for ${error.request.operation}, and ` +
      (sent
        ? 'none arrived although the action sent ' +
          `${describeCredential(credential)}.`
        : 'the action sent none.'),
    sent
      ? 'The gateway reads the key from Authorization (Bearer or ApiKey) or ' +
          'X-API-Key: leave `token-header` at its default, and check that ' +
          'no proxy in between drops the header.'
      : 'Set `token` (or HOKUSAI_API_KEY) to your Hokusai API key, which ' +
          'starts with hk_.',
    httpEvidence(error),
    'Hokusai requires an API key'
  )
}
