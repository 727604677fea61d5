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
  if (isS3Denial(error, aws)) return s3Denied(error, aws)
  const { request } = error
  const action = aws.action ?? 'the sagemaker-mlflow action for this call'
  const { caller, policyOwner } = describeCaller(aws.principal)
  return diagnose(
    'FORBIDDEN_PERMISSION',
    `AWS authenticated the signature but IAM denied ${request.operation}: ` +
      `${caller} is not allowed to perform ${action}.`,
    `Allow ${action} on the tracking server's ARN in the policy of ` +
      `${policyOwner}. A registration needs the sagemaker-mlflow actions ` +
      'listed in docs/authentication.md.',
    httpEvidence(error),
    'AWS IAM denied permission for this operation'
  )
}

/**
 * Checks whether an AccessDenied came from S3 rather than from the
 * SageMaker tracking server: an `s3:` action, S3's XML error shape, or
 * any AWS denial of an artifact upload, which stores into the bucket.
 */
function isS3Denial(error: HttpError, aws: AwsError): boolean {
  if (aws.action !== undefined) return aws.action.startsWith('s3:')
  return aws.s3Xml || /\bartifact\b|storage/i.test(error.request.operation)
}

function s3Denied(error: HttpError, aws: AwsError): Diagnosis {
  const { request } = error
  const isUpload = /upload/i.test(request.operation)
  const action =
    aws.action ?? (isUpload ? 's3:PutObject' : 'the S3 action for this call')
  const where = describeS3Target(error, aws)
  const { caller, policyOwner } = describeCaller(aws.principal)
  return diagnose(
    'FORBIDDEN_NON_MLFLOW',
    `The artifact store, S3, denied ${request.operation} at ${where}: ` +
      `${caller} is not allowed to perform ${action} (${aws.type}). This is ` +
      "a permission of the bucket, not of MLflow's registry.",
    `Allow ${action} on ${where} in the policy of ${policyOwner}, and ` +
      'check the bucket policy and any KMS key policy of the tracking ' +
      "server's artifact bucket.",
    httpEvidence(error),
    'S3 denied access to the artifact store'
  )
}

/** Names the bucket path of an S3 denial, as exactly as the error shows. */
function describeS3Target(error: HttpError, aws: AwsError): string {
  if (aws.resource) return aws.resource
  if (aws.bucket) return `bucket ${aws.bucket}`
  const { resource, url } = error.request
  return resource ?? url
}

/**
 * Names the caller of an IAM denial and whose policy must change. The
 * role comes from `assumed-role/<role>/<session>` of STS or `role/<role>`
 * of IAM, and other principals are named by their ARN.
 */
function describeCaller(principal: string | undefined): {
  caller: string
  policyOwner: string
} {
  if (principal === undefined) {
    return {
      caller: 'the identity',
      policyOwner: 'the role the workflow assumes'
    }
  }
  const role =
    /:assumed-role\/([^/]+)\//.exec(principal)?.[1] ??
    /:role\/(?:.*\/)?([^/]+)$/.exec(principal)?.[1]
  if (role === undefined) return { caller: principal, policyOwner: principal }
  return { caller: `role ${role} (${principal})`, policyOwner: `role ${role}` }
}
