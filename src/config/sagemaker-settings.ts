import { readAwsCredentials } from './aws-credentials.js'
import type { AuthSettings } from './config.js'
import type { InputName } from './inputs.js'
import { isArn, parseSageMakerArn } from './sagemaker-arn.js'
import type { Setting } from './settings.js'
import type { TrackingUri } from './tracking-uri.js'

/** The settings that a SageMaker ARN tracking URI adds to the configuration. */
export interface SageMakerSettings {
  readonly tracking: TrackingUri
  readonly auth: Pick<AuthSettings, 'sagemaker' | 'aws'>
}

/**
 * Reads the SageMaker target and the AWS credentials when the tracking
 * URI is an ARN; returns undefined for any other tracking URI.
 */
export function readSageMakerSettings(
  get: (name: InputName) => Setting | undefined,
  env: NodeJS.ProcessEnv
): SageMakerSettings | undefined {
  const uri = get('tracking-uri')
  if (!uri || !isArn(uri.value)) return undefined
  const sagemaker = parseSageMakerArn(uri, get('sagemaker-endpoint'))
  return {
    tracking: { url: sagemaker.endpoint },
    auth: { sagemaker, aws: readAwsCredentials(env) }
  }
}
