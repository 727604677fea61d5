// This module imports nothing, because scripts/generate-action-yml.mjs
// loads it directly to render docs/environment.md.

/** An environment variable that is read outside the action's inputs. */
export interface EnvironmentVariableSpec {
  readonly name: string
  /** The setting it changes, in one or two sentences, for the docs. */
  readonly description: string
}

/**
 * The variables that send Unity Catalog model files to an emulator or a
 * compatible server instead of the cloud's own endpoint, with the names
 * that MLflow or the cloud's SDKs already read. A URL must be https,
 * or http on loopback.
 */
export const STORAGE_VARIABLES: readonly EnvironmentVariableSpec[] = [
  {
    name: 'MLFLOW_S3_ENDPOINT_URL',
    description:
      'URL of an S3-compatible server for `s3://` locations, addressed ' +
      "path-style, as MLflow's S3 artifact repository reads it."
  },
  {
    name: 'AWS_REGION, AWS_DEFAULT_REGION',
    description:
      'The region that S3 requests are signed for; `us-east-1` when ' +
      'neither is set.'
  },
  {
    name: 'AZURE_STORAGE_CONNECTION_STRING',
    description:
      'An Azure Storage connection string whose `BlobEndpoint` (or ' +
      '`UseDevelopmentStorage=true`, for Azurite on 127.0.0.1:10000) ' +
      'receives the Blob API requests for `abfss://` locations. Keys in ' +
      'it are not used: the SAS comes from Unity Catalog.'
  },
  {
    name: 'STORAGE_EMULATOR_HOST',
    description:
      'URL of a Google Cloud Storage emulator, such as fake-gcs-server, ' +
      'for `gs://` locations, as the Google Cloud client libraries read ' +
      'it. A value without a scheme is taken as http.'
  },
  {
    name: 'MLFLOW_R2_ENDPOINT_URL',
    description:
      'URL of an S3-compatible server for `r2://` locations, addressed ' +
      "path-style, in place of the account's R2 host. MLflow has no such " +
      'variable; this one follows MLFLOW_S3_ENDPOINT_URL.'
  }
]
