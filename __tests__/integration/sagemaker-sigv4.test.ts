import {
  afterAll,
  afterEach,
  beforeAll,
  describe,
  expect,
  it,
  jest
} from '@jest/globals'

import {
  adminApi,
  createTarget,
  githubEnv,
  leakedSecrets,
  runAction,
  type ActionRun,
  type Target
} from '../support/registration.js'
import { uniqueModelName } from '../support/servers.js'
import {
  startSigV4Verifier,
  type SigV4Verifier,
  type VerifierOptions
} from '../support/sigv4-verifier.js'

// Jest reads `testTimeout` only from the top-level configuration, so the
// integration project's value in jest.config.js does not reach this file.
jest.setTimeout(120_000)

const ARN =
  'arn:aws:sagemaker:eu-west-1:123456789012:mlflow-tracking-server/ci-server'

/** Example credentials in AWS's documented format; they open nothing. */
const AWS = {
  AWS_ACCESS_KEY_ID: 'ASIAIOSFODNN7EXAMPLE',
  AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
  AWS_SESSION_TOKEN: 'IQoJb3JpZ2luX2VjEXAMPLE+session/token=='
}

let target: Target

function verifierOptions(
  overrides: Partial<VerifierOptions> = {}
): VerifierOptions {
  return {
    upstream: target.server.url,
    accessKeyId: AWS.AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS.AWS_SECRET_ACCESS_KEY,
    sessionToken: AWS.AWS_SESSION_TOKEN,
    region: 'eu-west-1',
    service: 'sagemaker-mlflow',
    arnHeader: 'x-mlflow-sm-tracking-server-arn',
    arn: ARN,
    ...overrides
  }
}

/** Runs the action on the ARN, with the endpoint pointed at a verifier. */
function registerThrough(
  verifier: SigV4Verifier,
  env: NodeJS.ProcessEnv,
  inputs: Record<string, string> = {}
): Promise<ActionRun> {
  return runAction(
    {
      'tracking-uri': ARN,
      'sagemaker-endpoint': verifier.url,
      'experiment-name': target.experimentName,
      'model-name': uniqueModelName('sagemaker'),
      'model-path': 'examples/model',
      ...inputs
    },
    { ...githubEnv(), ...env }
  )
}

beforeAll(async () => {
  target = await createTarget('plain')
})

describe('SigV4 registration through the verifier', () => {
  let verifier: SigV4Verifier
  let registration: ActionRun
  let rerun: ActionRun
  let modelName: string

  beforeAll(async () => {
    verifier = await startSigV4Verifier(verifierOptions())
    modelName = uniqueModelName('sagemaker')
    const env = {
      ...githubEnv(),
      ...AWS,
      MLFLOW_TRACKING_TOKEN: 'tok-never-sent'
    }
    const inputs = { 'model-name': modelName, aliases: 'champion' }
    registration = await registerThrough(verifier, env, inputs)
    // The re-run finds the version by a search whose filter has spaces
    // and quotes, which SigV4 signs in their percent-encoded form.
    rerun = await registerThrough(verifier, env, inputs)
  })

  afterAll(async () => {
    await verifier.close()
  })

  it('registers version 1', () => {
    expect(registration.host.failure).toBeUndefined()
    expect(registration.result.outcome).toBe('registered')
    expect(registration.host.outputs.get('auth-mode')).toBe('sigv4')
  })

  it('passes every request the verifier checked', () => {
    expect(verifier.requests.length).toBeGreaterThan(5)
    const rejected = verifier.requests.filter(r => r.errorType)
    expect(rejected).toEqual([])
  })

  it('signs the artifact uploads', () => {
    const uploads = verifier.requests.filter(r => r.method === 'PUT')
    expect(uploads.length).toBeGreaterThan(0)
    expect(uploads.every(r => r.status === 200)).toBe(true)
  })

  it('reuses the version on a re-run', () => {
    expect(rerun.host.failure).toBeUndefined()
    expect(rerun.result.outcome).toBe('reused')
  })

  it('signs the search with a filter', () => {
    const searches = verifier.requests.filter(r =>
      r.path.endsWith('/model-versions/search')
    )
    expect(searches.length).toBeGreaterThan(0)
  })

  it('sends no bearer token', () => {
    const schemes = new Set(
      verifier.requests.map(r => r.authorization.split(' ')[0])
    )
    expect([...schemes]).toEqual(['AWS4-HMAC-SHA256'])
  })

  it('reports the token as ignored', () => {
    expect(registration.host.logText()).toContain(
      'Ignored token (from MLFLOW_TRACKING_TOKEN): a SageMaker ARN is ' +
        'signed with AWS SigV4'
    )
  })

  it('creates the version upstream', async () => {
    const response = await adminApi<{
      model_version: { version: string; aliases?: string[] }
    }>('plain', 'GET', 'model-versions/get', {
      query: { name: modelName, version: '1' }
    })
    expect(response.model_version.version).toBe('1')
    expect(response.model_version.aliases).toEqual(['champion'])
  })

  it('masks every AWS credential', () => {
    for (const value of Object.values(AWS)) {
      expect(registration.host.secrets).toContain(value)
    }
  })

  it('leaks no AWS credential', () => {
    const secrets = Object.values(AWS)
    expect(leakedSecrets(registration.host, secrets)).toEqual([])
  })
})

describe('SigV4 failures', () => {
  let verifier: SigV4Verifier

  afterEach(async () => {
    await verifier.close()
  })

  it('diagnoses a wrong secret key', async () => {
    verifier = await startSigV4Verifier(verifierOptions())
    const run = await registerThrough(verifier, {
      ...AWS,
      AWS_SECRET_ACCESS_KEY: 'wrong-secret-access-key-EXAMPLE'
    })
    expect(verifier.requests[0]?.errorType).toBe('InvalidSignatureException')
    expect(run.result.diagnosis?.code).toBe('AUTH_REJECTED')
    expect(run.result.diagnosis?.detail).toContain('signature')
    expect(run.result.diagnosis?.fix).toContain('AWS_SECRET_ACCESS_KEY')
  })

  it('names the IAM action that was denied', async () => {
    verifier = await startSigV4Verifier(
      verifierOptions({
        deny: { 'model-versions/create': 'sagemaker-mlflow:CreateModelVersion' }
      })
    )
    const run = await registerThrough(verifier, AWS)
    expect(run.result.diagnosis?.code).toBe('FORBIDDEN_PERMISSION')
    expect(run.result.diagnosis?.detail).toContain(
      'sagemaker-mlflow:CreateModelVersion'
    )
    expect(run.result.diagnosis?.fix).toContain(
      'sagemaker-mlflow:CreateModelVersion'
    )
    expect(run.result.diagnosis?.detail).toContain('role github-ci')
    expect(run.result.diagnosis?.fix).toContain('policy of role github-ci')
  })

  it('rejects missing credentials before any request', async () => {
    verifier = await startSigV4Verifier(verifierOptions())
    const run = await registerThrough(verifier, {
      AWS_ACCESS_KEY_ID: AWS.AWS_ACCESS_KEY_ID
    })
    expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
    expect(run.result.diagnosis?.detail).toContain('AWS_SECRET_ACCESS_KEY')
    expect(verifier.requests).toEqual([])
  })
})

describe('SigV4 for other requests', () => {
  let verifier: SigV4Verifier | undefined

  afterEach(async () => {
    await verifier?.close()
  })

  it('runs a preflight through the verifier', async () => {
    verifier = await startSigV4Verifier(verifierOptions())
    const run = await registerThrough(verifier, AWS, { mode: 'preflight' })
    expect(run.host.failure).toBeUndefined()
    expect(run.result.outcome).toBe('checked')
    expect(verifier.requests.filter(r => r.errorType)).toEqual([])
  })

  it('signs for an MLflow app ARN', async () => {
    const appArn =
      'arn:aws:sagemaker:eu-west-1:123456789012:mlflow-app/app-0a1b2c3d4e'
    verifier = await startSigV4Verifier(
      verifierOptions({
        arn: appArn,
        arnHeader: 'x-sm-mlflow-app-arn',
        service: 'sagemaker'
      })
    )
    const run = await registerThrough(verifier, AWS, {
      'tracking-uri': appArn
    })
    expect(run.host.failure).toBeUndefined()
    expect(run.result.outcome).toBe('registered')
    expect(verifier.requests.filter(r => r.errorType)).toEqual([])
  })
})
