import { describeCredential } from '../auth/provider.js'
import { diagnose, type Diagnosis } from '../diagnosis/diagnosis.js'
import type { HttpError } from '../http/errors.js'
import { unknownUser } from '../mlflow/unknown-user.js'
import { httpEvidence } from './evidence.js'

/**
 * Classifies a credential the server accepted for an identity its auth
 * layer has no user for. Such a 404 is about the caller, never about the
 * object of the request, so it must not read as "model absent".
 */
export function classifyUnknownUser(error: HttpError): Diagnosis | undefined {
  const username = unknownUser(error)
  if (username === undefined) return undefined
  const { request } = error
  const who = username ? `user '${username}'` : 'the authenticated user'
  return diagnose(
    'AUTH_IDENTITY',
    `The server accepted ${describeCredential(request.credential)}, but ` +
      `its auth layer has no record of ${who}, so it refused ` +
      `${request.operation}. This does not clear up on a retry.`,
    `An admin must create ${who} on the server (for MLflow's basic-auth ` +
      'app: POST /api/2.0/mlflow/users/create) or map this token subject ' +
      'to an existing user, then grant it the permissions it needs. ' +
      'Machine identities are not provisioned by a browser login.',
    httpEvidence(error)
  )
}
