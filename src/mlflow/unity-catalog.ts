import { z } from 'zod'

import type { HttpClient } from '../http/transport.js'
import { modelResource } from './api-paths.js'
import { modelVersionResponse, type ModelVersion } from './schemas.js'

/** Unity Catalog's registry API, below the workspace URL. */
export const UC_API = 'api/2.0/mlflow/unity-catalog'

const awsCredentials = z.object({
  access_key_id: z.string(),
  secret_access_key: z.string(),
  session_token: z.string().optional()
})

/**
 * The `TemporaryCredentials` message of MLflow 3.17's
 * `databricks_uc_registry_messages.proto`. Exactly one credential field
 * is set. Fields inside each kind are optional, so that a message this
 * action cannot use still parses and a diagnosis can name its kind.
 */
export const temporaryCredentialsSchema = z.looseObject({
  aws_temp_credentials: awsCredentials.optional(),
  azure_user_delegation_sas: z
    .looseObject({ sas_token: z.string().optional() })
    .optional(),
  gcp_oauth_token: z
    .looseObject({ oauth_token: z.string().optional() })
    .optional(),
  r2_temp_credentials: awsCredentials.partial().optional(),
  /** Milliseconds since the epoch; int64 values may come as strings. */
  expiration_time: z.coerce.number().optional(),
  storage_mode: z.string().optional(),
  encryption_details: z
    .looseObject({
      sse_encryption_details: z
        .looseObject({
          algorithm: z.string().optional(),
          aws_kms_key_arn: z.string().optional()
        })
        .optional()
    })
    .optional()
})

/** Temporary credentials for one model version's storage location. */
export type TemporaryCredentials = z.infer<typeof temporaryCredentialsSchema>

const credentialsResponse = z.object({
  credentials: temporaryCredentialsSchema
})

function versionResource(name: string, version: string): string {
  return `version ${version} of ${modelResource(name)}`
}

/**
 * Requests read-write credentials for a model version's storage location,
 * as MLflow's Unity Catalog store does before it uploads the files.
 */
export async function generateTemporaryCredentials(
  http: HttpClient,
  name: string,
  version: string
): Promise<TemporaryCredentials> {
  const response = await http.json(
    {
      method: 'POST',
      path: `${UC_API}/model-versions/generate-temporary-credentials`,
      json: {
        name,
        version,
        operation: 'MODEL_VERSION_OPERATION_READ_WRITE'
      },
      operation: 'generate temporary model version credentials',
      resource: versionResource(name, version),
      idempotent: true
    },
    credentialsResponse
  )
  return response.credentials
}

/**
 * Finalizes a model version whose files are in its storage location, so
 * it moves from PENDING_REGISTRATION to READY.
 */
export async function finalizeModelVersion(
  http: HttpClient,
  name: string,
  version: string
): Promise<ModelVersion> {
  const response = await http.json(
    {
      method: 'POST',
      path: `${UC_API}/model-versions/finalize`,
      json: { name, version },
      operation: 'finalize model version',
      resource: versionResource(name, version),
      idempotent: true
    },
    modelVersionResponse
  )
  return response.model_version
}
