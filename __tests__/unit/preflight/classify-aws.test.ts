import { describe, expect, it } from '@jest/globals'

import type { Credential } from '../../../src/auth/provider.js'
import type { DiagnosisCode } from '../../../src/diagnosis/codes.js'
import { readAwsError } from '../../../src/preflight/aws-error.js'
import { classifyFailure } from '../../../src/preflight/classify.js'
import { httpError } from '../fixtures/errors.js'

const AWS_CREDENTIAL: Credential = {
  kind: 'aws',
  region: 'us-east-1',
  service: 'sagemaker-mlflow'
}
const CREATE = {
  method: 'POST',
  url: 'https://us-east-1.experiments.sagemaker.aws/api/2.0/mlflow/model-versions/create',
  operation: 'create model version',
  credential: AWS_CREDENTIAL
}
const DENIED_MESSAGE =
  'User: arn:aws:sts::123456789012:assumed-role/ci/gh is not authorized ' +
  'to perform: sagemaker-mlflow:CreateModelVersion on resource: ' +
  'arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ci ' +
  'because no identity-based policy allows the ' +
  'sagemaker-mlflow:CreateModelVersion action'

function jsonHeaders(type?: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    ...(type ? { 'x-amzn-errortype': type } : {})
  }
}

interface Case {
  readonly name: string
  readonly status: number
  readonly headers: Record<string, string>
  readonly body: string
  readonly code: DiagnosisCode
  readonly detail: string
}

const CASES: readonly Case[] = [
  {
    name: 'JSON AccessDenied with header',
    status: 403,
    headers: jsonHeaders('AccessDeniedException'),
    body: JSON.stringify({ message: DENIED_MESSAGE }),
    code: 'FORBIDDEN_PERMISSION',
    detail: 'sagemaker-mlflow:CreateModelVersion'
  },
  {
    name: 'JSON AccessDenied with __type',
    status: 403,
    headers: jsonHeaders(),
    body: JSON.stringify({
      __type: 'com.amazon.coral.service#AccessDeniedException',
      Message: DENIED_MESSAGE
    }),
    code: 'FORBIDDEN_PERMISSION',
    detail: 'sagemaker-mlflow:CreateModelVersion'
  },
  {
    name: 'XML AccessDenied',
    status: 403,
    headers: { 'content-type': 'text/xml' },
    body:
      '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
      `<Message>${DENIED_MESSAGE}</Message></Error></ErrorResponse>`,
    code: 'FORBIDDEN_PERMISSION',
    detail: 'sagemaker-mlflow:CreateModelVersion'
  },
  {
    name: 'AccessDenied without an action',
    status: 403,
    headers: jsonHeaders('AccessDeniedException:http://internal'),
    body: JSON.stringify({ message: 'Access denied' }),
    code: 'FORBIDDEN_PERMISSION',
    detail: 'the sagemaker-mlflow action for this call'
  },
  {
    name: 'invalid signature',
    status: 403,
    headers: jsonHeaders('InvalidSignatureException'),
    body: JSON.stringify({
      message: 'The request signature we calculated does not match'
    }),
    code: 'AUTH_REJECTED',
    detail: 'rejected the SigV4 signature'
  },
  {
    name: 'XML SignatureDoesNotMatch',
    status: 403,
    headers: { 'content-type': 'application/xml' },
    body: '<Error><Code>SignatureDoesNotMatch</Code><Message>x</Message></Error>',
    code: 'AUTH_REJECTED',
    detail: 'rejected the SigV4 signature'
  },
  {
    name: 'unrecognised client',
    status: 403,
    headers: jsonHeaders('UnrecognizedClientException'),
    body: JSON.stringify({
      message: 'The security token included in the request is invalid.'
    }),
    code: 'AUTH_REJECTED',
    detail: 'does not recognise the access key id'
  },
  {
    name: 'expired token',
    status: 400,
    headers: jsonHeaders('ExpiredTokenException'),
    body: JSON.stringify({
      message: 'The security token included in the request is expired'
    }),
    code: 'AUTH_REJECTED',
    detail: 'session token has expired'
  }
]

describe('classifyFailure of AWS errors', () => {
  it.each(CASES)('$name', testCase => {
    const error = httpError(
      testCase.status,
      testCase.headers,
      testCase.body,
      CREATE
    )
    const diagnosis = classifyFailure(error)
    expect(diagnosis.code).toBe(testCase.code)
    expect(diagnosis.detail).toContain(testCase.detail)
  })

  it('names the action in the fix', () => {
    const error = httpError(
      403,
      jsonHeaders('AccessDeniedException'),
      JSON.stringify({ message: DENIED_MESSAGE }),
      CREATE
    )
    const diagnosis = classifyFailure(error)
    expect(diagnosis.fix).toContain('Allow sagemaker-mlflow:CreateModelVersion')
    expect(diagnosis.title).toBe('AWS IAM denied permission for this operation')
  })

  it('leaves MLflow errors to MLflow', () => {
    const error = httpError(
      403,
      jsonHeaders(),
      JSON.stringify({ error_code: 'PERMISSION_DENIED', message: 'no' }),
      CREATE
    )
    expect(classifyFailure(error).title).toBe(
      'MLflow denied permission for this operation'
    )
  })
})

const UPLOAD = {
  method: 'PUT',
  url:
    'https://us-east-1.experiments.sagemaker.aws/api/2.0/mlflow-artifacts/' +
    'artifacts/12/abc/artifacts/model/MLmodel',
  operation: 'upload artifact',
  resource: 'artifact 12/abc/artifacts/model/MLmodel',
  credential: AWS_CREDENTIAL
}
const S3_RESOURCE = 'arn:aws:s3:::sm-artifacts/12/abc/artifacts/model/MLmodel'

/** Builds S3's XML error body. */
function s3Error(message: string, extra = ''): string {
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied' +
    `</Code><Message>${message}</Message>${extra}<RequestId>R1</RequestId>` +
    '<HostId>h0st</HostId></Error>'
  )
}

describe('classifyFailure of IAM denials', () => {
  it('names the SageMaker role', () => {
    const error = httpError(
      403,
      jsonHeaders('AccessDeniedException'),
      JSON.stringify({ message: DENIED_MESSAGE }),
      CREATE
    )
    const diagnosis = classifyFailure(error)
    expect(diagnosis.detail).toContain(
      'role ci (arn:aws:sts::123456789012:assumed-role/ci/gh) is not ' +
        'allowed to perform sagemaker-mlflow:CreateModelVersion'
    )
    expect(diagnosis.fix).toContain('in the policy of role ci.')
  })

  it('names an IAM user by its ARN', () => {
    const message = DENIED_MESSAGE.replace(
      'arn:aws:sts::123456789012:assumed-role/ci/gh',
      'arn:aws:iam::123456789012:user/deployer'
    )
    const error = httpError(
      403,
      jsonHeaders('AccessDeniedException'),
      JSON.stringify({ message }),
      CREATE
    )
    const diagnosis = classifyFailure(error)
    expect(diagnosis.detail).toContain(
      'arn:aws:iam::123456789012:user/deployer is not allowed'
    )
    expect(diagnosis.fix).toContain(
      'policy of arn:aws:iam::123456789012:user/deployer'
    )
  })

  it('tells S3 apart by its action', () => {
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/ci/gh is not ' +
      `authorized to perform: s3:PutObject on resource: "${S3_RESOURCE}" ` +
      'because no identity-based policy allows the s3:PutObject action'
    const error = httpError(
      403,
      { 'content-type': 'application/xml' },
      s3Error(message),
      UPLOAD
    )
    const diagnosis = classifyFailure(error)
    expect(diagnosis.code).toBe('FORBIDDEN_NON_MLFLOW')
    expect(diagnosis.title).toBe('S3 denied access to the artifact store')
    expect(diagnosis.detail).toContain(`upload artifact at ${S3_RESOURCE}`)
    expect(diagnosis.detail).toContain('role ci (arn:aws:sts::')
    expect(diagnosis.detail).toContain('perform s3:PutObject')
    expect(diagnosis.fix).toContain(
      `Allow s3:PutObject on ${S3_RESOURCE} in the policy of role ci`
    )
  })

  it('tells S3 apart by its XML', () => {
    const error = httpError(
      403,
      { 'content-type': 'application/xml' },
      s3Error('Access Denied', '<BucketName>sm-artifacts</BucketName>'),
      { ...CREATE, operation: 'create model version' }
    )
    const diagnosis = classifyFailure(error)
    expect(diagnosis.code).toBe('FORBIDDEN_NON_MLFLOW')
    expect(diagnosis.detail).toContain('at bucket sm-artifacts')
    expect(diagnosis.detail).toContain('the S3 action for this call')
  })

  it('names the upload path without an ARN', () => {
    const error = httpError(
      403,
      { 'content-type': 'application/xml' },
      s3Error('Access Denied'),
      UPLOAD
    )
    const diagnosis = classifyFailure(error)
    expect(diagnosis.code).toBe('FORBIDDEN_NON_MLFLOW')
    expect(diagnosis.detail).toContain(
      'at artifact 12/abc/artifacts/model/MLmodel'
    )
    expect(diagnosis.detail).toContain('perform s3:PutObject')
    expect(diagnosis.fix).toContain('the role the workflow assumes')
  })

  it('keeps a SageMaker XML denial', () => {
    const error = httpError(
      403,
      { 'content-type': 'text/xml' },
      '<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>' +
        '<Message>Access denied</Message></Error></ErrorResponse>',
      CREATE
    )
    expect(classifyFailure(error).code).toBe('FORBIDDEN_PERMISSION')
  })
})

describe('readAwsError', () => {
  it('ignores an MLflow error', () => {
    const error = httpError(
      400,
      jsonHeaders(),
      JSON.stringify({ error_code: 'INVALID_PARAMETER_VALUE', message: 'x' })
    )
    expect(readAwsError(error.response)).toBeUndefined()
  })

  it('strips the type namespace', () => {
    const error = httpError(
      403,
      jsonHeaders(),
      JSON.stringify({ __type: 'ns#ThrottlingException', message: 'slow' })
    )
    expect(readAwsError(error.response)).toEqual({
      type: 'ThrottlingException',
      message: 'slow',
      s3Xml: false
    })
  })
})
