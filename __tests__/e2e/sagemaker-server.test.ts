import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { runAction, type ActionResult } from '../support/run-action.js'
import { expectSecretsMasked } from '../support/secret-scan.js'
import { testServers, uniqueModelName } from '../support/servers.js'
import {
  startSigV4Verifier,
  type SigV4Verifier
} from '../support/sigv4-verifier.js'

// Jest 30 takes `testTimeout` from the global configuration only, so the
// e2e project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const ARN =
  'arn:aws:sagemaker:us-east-1:123456789012:mlflow-tracking-server/e2e'

/** Example credentials in AWS's documented format; they open nothing. */
const AWS = {
  accessKeyId: 'ASIAE2EEXAMPLEKEYID7',
  secretAccessKey: 'e2e/Secret+Access/KeyEXAMPLE0123456789abcd',
  sessionToken: 'FwoGZXIvYXdzE2e2e+session/token/EXAMPLE=='
}

const AWS_ENV = {
  AWS_ACCESS_KEY_ID: AWS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: AWS.secretAccessKey,
  AWS_SESSION_TOKEN: AWS.sessionToken
}

describe('the bundled action on a SageMaker ARN', () => {
  let verifier: SigV4Verifier

  beforeAll(async () => {
    verifier = await startSigV4Verifier({
      upstream: testServers().plain.url,
      ...AWS,
      region: 'us-east-1',
      service: 'sagemaker-mlflow',
      arnHeader: 'x-mlflow-sm-tracking-server-arn',
      arn: ARN
    })
  })

  afterAll(async () => {
    await verifier.close()
  })

  function register(env: Record<string, string>): Promise<ActionResult> {
    return runAction({
      inputs: {
        'tracking-uri': ARN,
        'model-name': uniqueModelName('e2e-sagemaker'),
        'model-path': 'examples/model',
        'experiment-name': uniqueModelName('e2e-sagemaker-uploads')
      },
      env: { SAGEMAKER_MLFLOW_CUSTOM_ENDPOINT: verifier.url, ...env }
    })
  }

  describe('with valid credentials', () => {
    let result: ActionResult

    beforeAll(async () => {
      result = await register(AWS_ENV)
    })

    it('exits with code 0', () => {
      expect(result.exitCode).toBe(0)
    })

    it('registers with sigv4', () => {
      expect(result.outputs.outcome).toBe('registered')
      expect(result.outputs['auth-mode']).toBe('sigv4')
    })

    it('masks every form of the AWS credentials', () => {
      expectSecretsMasked(result, { aws: AWS })
    })
  })

  describe('with a wrong secret key', () => {
    let result: ActionResult
    const wrong = { ...AWS, secretAccessKey: 'wrong/Secret+KeyEXAMPLE' }

    beforeAll(async () => {
      result = await register({
        ...AWS_ENV,
        AWS_SECRET_ACCESS_KEY: wrong.secretAccessKey
      })
    })

    it('fails with AUTH_REJECTED', () => {
      expect(result.exitCode).toBe(1)
      expect(result.outputs.diagnosis).toBe('AUTH_REJECTED')
    })

    it('masks the wrong credentials too', () => {
      expectSecretsMasked(result, { aws: wrong })
    })
  })
})
