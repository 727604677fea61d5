import { describe, expect, it } from '@jest/globals'

import { parseConfig } from '../../../src/config/parse-config.js'
import { parseSageMakerArn } from '../../../src/config/sagemaker-arn.js'
import type { Setting } from '../../../src/config/settings.js'
import { settingsFrom } from '../fixtures/settings.js'
import { diagnosedErrorOf } from '../fixtures/thrown.js'

const SERVER_ARN =
  'arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/ci-server'
const APP_ARN =
  'arn:aws:sagemaker:eu-west-1:123456789012:mlflow-app/app-0a1b2c3d'
const GOV_ARN =
  'arn:aws-us-gov:sagemaker:us-gov-west-1:123456789012:' +
  'mlflow-tracking-server/gov'

function input(value: string): Setting {
  return { value, origin: 'input' }
}

describe('parseSageMakerArn mapping', () => {
  it.each([
    [
      SERVER_ARN,
      'https://us-east-1.experiments.sagemaker.aws/',
      'sagemaker-mlflow',
      'x-mlflow-sm-tracking-server-arn'
    ],
    [
      APP_ARN,
      'https://mlflow.sagemaker.eu-west-1.app.aws/',
      'sagemaker',
      'x-sm-mlflow-app-arn'
    ],
    [
      GOV_ARN,
      'https://us-gov-west-1.experiments.sagemaker.aws/',
      'sagemaker-mlflow',
      'x-mlflow-sm-tracking-server-arn'
    ]
  ])('maps %s', (arn, endpoint, service, header) => {
    const target = parseSageMakerArn(input(arn), undefined)
    expect(target.endpoint.href).toBe(endpoint)
    expect(target.service).toBe(service)
    expect(target.arnHeader).toBe(header)
    expect(target.arn).toBe(arn)
  })

  it('reads region, account and resource', () => {
    const target = parseSageMakerArn(input(SERVER_ARN), undefined)
    expect(target.region).toBe('us-east-1')
    expect(target.account).toBe('123456789012')
    expect(target.resourceType).toBe('mlflow-tracking-server')
    expect(target.resourceId).toBe('ci-server')
  })

  it.each([
    [
      'https://vpce-1.experiments.sagemaker.aws/',
      'https://vpce-1.experiments.sagemaker.aws/'
    ],
    ['http://127.0.0.1:5050/', 'http://127.0.0.1:5050/'],
    ['https://proxy.test/mlflow/', 'https://proxy.test/mlflow']
  ])('uses the endpoint override %s', (override, expected) => {
    const target = parseSageMakerArn(input(SERVER_ARN), input(override))
    expect(target.endpoint.href).toBe(expected)
    expect(target.region).toBe('us-east-1')
  })
})

describe('parseSageMakerArn rejections', () => {
  it.each([
    [
      'arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server',
      'not a SageMaker MLflow ARN'
    ],
    [
      'arn:aws:sagemaker:us-east-1:1234:mlflow-tracking-server/x',
      'not a SageMaker MLflow ARN'
    ],
    ['arn:aws:s3:::bucket/key', 'not a SageMaker MLflow ARN'],
    ['arn:aws:sagemaker:us-east-1:123456789012:model/x', 'names a "model"'],
    [
      'arn:aws-cn:sagemaker:cn-north-1:123456789012:mlflow-app/x',
      'partition "aws-cn"'
    ]
  ])('rejects %s', (arn, problem) => {
    const diagnosis = diagnosedErrorOf(() =>
      parseSageMakerArn(input(arn), undefined)
    ).diagnosis
    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.detail).toContain(problem)
    expect(diagnosis.detail).toContain('input `tracking-uri`')
  })

  it.each([
    'http://mlflow.internal.test/',
    'ftp://127.0.0.1/',
    'https://user:pw@proxy.test/',
    'http://:pw-only@127.0.0.1:8080/',
    'not a url'
  ])('rejects the endpoint override %s', override => {
    const diagnosis = diagnosedErrorOf(() =>
      parseSageMakerArn(input(SERVER_ARN), input(override))
    ).diagnosis
    expect(diagnosis.code).toBe('CLIENT_CONFIG')
    expect(diagnosis.detail).toContain('input `sagemaker-endpoint`')
    expect(diagnosis.detail).not.toMatch(/pw/)
  })
})

describe('parseConfig with an ARN tracking URI', () => {
  const inputs = {
    'tracking-uri': SERVER_ARN,
    'model-name': 'fraud-model',
    source: 'runs:/0a1b2c/model'
  }

  it('points the tracking URI at the endpoint', () => {
    const config = parseConfig(settingsFrom(inputs), '/tmp')
    expect(config.trackingUri.href).toBe(
      'https://us-east-1.experiments.sagemaker.aws/'
    )
    expect(config.auth.sagemaker?.arn).toBe(SERVER_ARN)
  })

  it('reads the endpoint from the plugin variable', () => {
    const env = { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: 'http://127.0.0.1:9/' }
    const config = parseConfig(settingsFrom(inputs, env), '/tmp')
    expect(config.trackingUri.href).toBe('http://127.0.0.1:9/')
  })

  it('reads the AWS credentials from the environment', () => {
    const env = {
      AWS_ACCESS_KEY_ID: 'AKIDTEST',
      AWS_SECRET_ACCESS_KEY: 'secret-key',
      AWS_SESSION_TOKEN: 'session-token'
    }
    const config = parseConfig(settingsFrom(inputs), '/tmp', env)
    expect(config.auth.aws).toEqual({
      accessKeyId: 'AKIDTEST',
      secretAccessKey: 'secret-key',
      sessionToken: 'session-token'
    })
  })

  it('ignores the endpoint variable for a URL', () => {
    const env = { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: 'http://127.0.0.1:9/' }
    const config = parseConfig(
      settingsFrom({ ...inputs, 'tracking-uri': 'https://mlflow.test' }, env),
      '/tmp'
    )
    expect(config.trackingUri.href).toBe('https://mlflow.test/')
    expect(config.auth.sagemaker).toBeUndefined()
  })
})
