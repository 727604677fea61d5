import type { AuthSettings } from '../config/config.js'
import { configError } from '../diagnosis/diagnosis.js'
import type { AuthMode } from './provider.js'
import { SigV4Auth } from './sigv4.js'

/** The reason `auto` chose SigV4, for the auth report. */
export const SIGV4_AUTO_REASON =
  'the tracking URI is a SageMaker ARN, so requests are signed with the ' +
  'AWS credentials in AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY'

/**
 * Rejects a mode that does not fit the tracking URI: an ARN needs SigV4,
 * and SigV4 needs an ARN. A token or password is never sent to AWS.
 */
export function checkSigV4Mode(mode: AuthMode, auth: AuthSettings): void {
  if (auth.sagemaker && mode !== 'sigv4') {
    throw configError(
      'input `auth-mode`',
      `auth-mode is ${mode}, but the tracking URI is a SageMaker ARN, ` +
        'which accepts only AWS SigV4 signatures',
      'Set `auth-mode` to sigv4 or auto, and provide AWS credentials ' +
        '(for example with aws-actions/configure-aws-credentials).'
    )
  }
  if (!auth.sagemaker && mode === 'sigv4') {
    throw configError(
      'input `auth-mode`',
      'auth-mode is sigv4, but the tracking URI is not a SageMaker ARN',
      'Set `tracking-uri` to the ARN of the SageMaker MLflow tracking ' +
        'server, such as arn:aws:sagemaker:us-east-1:123456789012:' +
        'mlflow-tracking-server/my-server.'
    )
  }
}

/**
 * Creates the SigV4 provider, or raises a configuration error naming the
 * missing AWS variables before any request is sent.
 */
export function createSigV4Provider(
  auth: AuthSettings,
  now?: () => Date
): SigV4Auth {
  const { sagemaker, aws = {} } = auth
  if (!sagemaker) {
    throw new Error('createSigV4Provider needs a SageMaker target')
  }
  const { accessKeyId, secretAccessKey, sessionToken } = aws
  if (!accessKeyId || !secretAccessKey) {
    const missing = [
      accessKeyId ? '' : 'AWS_ACCESS_KEY_ID',
      secretAccessKey ? '' : 'AWS_SECRET_ACCESS_KEY'
    ].filter(Boolean)
    throw configError(
      `environment variable ${missing.join(' and ')}`,
      'SigV4 signing for the SageMaker ARN needs AWS credentials, and ' +
        `${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} ` +
        'not set',
      'Run aws-actions/configure-aws-credentials before this step (with ' +
        'OIDC and `permissions: id-token: write`), or set the AWS ' +
        'credential variables.'
    )
  }
  return new SigV4Auth(
    sagemaker,
    { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    now
  )
}
