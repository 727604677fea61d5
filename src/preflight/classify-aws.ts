import { diagnose, type Diagnosis } from '../diagnosis/diagnosis.js'
import type { HttpError } from '../http/errors.js'
import { readAwsError, type AwsError } from './aws-error.js'
import { httpEvidence } from './evidence.js'

const SIGNATURE_TYPES = new Set([
  'InvalidSignatureException',
  'SignatureDoesNotMatch'
])
const UNKNOWN_KEY_TYPES = new Set([
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'InvalidAccessKeyId'
])
const EXPIRED_TYPES = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired'
])
const DENIED_TYPES = new Set(['AccessDenied', 'AccessDeniedException'])

/**
 * Classifies an AWS authentication or authorization error, as SageMaker
 * managed MLflow sends them; returns undefined for any other failure.
 */
export function classifyAwsError(error: HttpError): Diagnosis | undefined {
  const { status } = error.response
  if (status !== 400 && status !== 401 && status !== 403) return undefined
  const aws = readAwsError(error.response)
  if (!aws) return undefined

  if (DENIED_TYPES.has(aws.type) || aws.action) return iamDenied(error, aws)
  if (SIGNATURE_TYPES.has(aws.type)) {
    return rejected(
      error,
      aws,
      'AWS rejected the SigV4 signature: the secret access key does not ' +
        'belong to the access key id, or the request was changed after ' +
        'it was signed.',
      'Check that AWS_SECRET_ACCESS_KEY and AWS_ACCESS_KEY_ID come from ' +
        'the same credentials (aws-actions/configure-aws-credentials sets ' +
        'both), and that no proxy rewrites the request.'
    )
  }
  if (UNKNOWN_KEY_TYPES.has(aws.type)) {
    return rejected(
      error,
      aws,
      'AWS does not recognise the access key id or the session token.',
      'Use credentials that are current: with temporary credentials, ' +
        'AWS_SESSION_TOKEN must come from the same session as the keys.'
    )
  }
  if (EXPIRED_TYPES.has(aws.type)) {
    return rejected(
      error,
      aws,
      'The AWS session token has expired, or the request was signed with ' +
        'a clock far from the real time.',
      'Raise role-duration-seconds in aws-actions/configure-aws-credentials ' +
        "for long jobs, and check the runner's clock."
    )
  }
  return undefined
}

function rejected(
  error: HttpError,
  aws: AwsError,
  detail: string,
  fix: string
): Diagnosis {
  return diagnose(
    'AUTH_REJECTED',
    `${detail} (${aws.type} on ${error.request.operation})`,
    fix,
    httpEvidence(error),
    'AWS rejected the request signature'
  )
}

function iamDenied(error: HttpError, aws: AwsError): Diagnosis {
  const { request } = error
  const action = aws.action ?? 'the sagemaker-mlflow action for this call'
  return diagnose(
    'FORBIDDEN_PERMISSION',
    `AWS authenticated the signature but IAM denied ${request.operation}: ` +
      `the identity is not allowed to perform ${action}.`,
    `Allow ${action} on the tracking server's ARN in the policy of the ` +
      'role the workflow assumes. A registration needs the ' +
      'sagemaker-mlflow actions listed in docs/authentication.md.',
    httpEvidence(error),
    'AWS IAM denied permission for this operation'
  )
}
