import { generateKeyPairSync } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import {
  overwriteArtifact,
  proxyPathOf,
  tagsOf
} from '../../support/artifact-store.js'
import {
  GITHUB_CLAIMS,
  startGitHubOidcStandIn,
  type GitHubOidcStandIn
} from '../../support/github-oidc-standin.js'
import {
  createTarget,
  getModelVersion,
  githubEnv,
  runAction,
  targetInputs,
  uniqueRunId,
  type ActionRun,
  type RestModelVersion,
  type Target
} from '../../support/registration.js'
import { expectSecretsAbsent } from '../../support/secret-scan.js'
import { uniqueModelName } from '../../support/servers.js'
import { ROOT } from '../../support/spawn-node.js'
import {
  startSigstoreServices,
  type SigstoreServices
} from '../../support/sigstore-services.js'

// Jest reads `testTimeout` only from the top-level configuration.
jest.setTimeout(120_000)

const DIGEST_TAG = 'mlflow_register.model_digest'
const SIGNATURE_TAG = 'mlflow_register.signature'
const RUN_ID = uniqueRunId()

let standIn: GitHubOidcStandIn
let sigstore: SigstoreServices
let directory: string
let trustedRootPath: string
let target: Target
let modelName: string
let registration: ActionRun
let version: RestModelVersion
const savedEnv = { ...process.env }

/** Returns the runner's variables of a job with `id-token: write`. */
function jobEnv(runId?: string): NodeJS.ProcessEnv {
  return { ...githubEnv(runId), ...standIn.env }
}

const registrationInputs = () => ({
  ...targetInputs(target),
  'model-name': modelName,
  'model-path': 'examples/model',
  signing: 'sigstore',
  'sigstore-fulcio-url': sigstore.fulcioUrl,
  'sigstore-rekor-url': sigstore.rekorUrl
})

function verify(identity: string = GITHUB_CLAIMS.sub): Promise<ActionRun> {
  return runAction(
    {
      ...targetInputs(target),
      mode: 'verify',
      source: `models:/${modelName}/1`,
      'certificate-identity': identity,
      'certificate-oidc-issuer': standIn.issuer,
      'sigstore-trusted-root': trustedRootPath
    },
    githubEnv()
  )
}

beforeAll(async () => {
  standIn = await startGitHubOidcStandIn()
  sigstore = await startSigstoreServices()
  // getIDToken in @actions/core reads the request URL and token from
  // process.env, not from the host's environment.
  Object.assign(process.env, standIn.env)
  directory = mkdtempSync(path.join(tmpdir(), 'keyless-'))
  trustedRootPath = sigstore.writeTrustedRoot(directory)

  target = await createTarget('plain')
  modelName = uniqueModelName('keyless')
  registration = await runAction(registrationInputs(), jobEnv(RUN_ID))
  version = await getModelVersion('plain', modelName, '1')
})

afterAll(async () => {
  process.env = savedEnv
  rmSync(directory, { recursive: true, force: true })
  await sigstore.stop()
  await standIn.stop()
})

describe('keyless signing of a registration', () => {
  it('registers the version', () => {
    expect(registration.result.diagnosis?.code).toBeUndefined()
    expect(registration.result.outcome).toBe('registered')
  })

  it('requests one ID token for Fulcio', () => {
    expect(standIn.requestCount()).toBe(1)
  })

  it('gets a certificate and a log entry', () => {
    const services = sigstore.requests.map(line => line.split(' ')[0])
    expect(services).toContain('fulcio')
    expect(services).toContain('rekor')
  })

  it('tags the model digest', () => {
    const digest = registration.host.outputs.get('model-digest')
    expect(digest).toMatch(/^[0-9a-f]{64}$/)
    expect(tagsOf(version)[DIGEST_TAG]).toBe(digest)
  })

  it('tags model.sig beside the files', () => {
    expect(tagsOf(version)[SIGNATURE_TAG]).toBe(`${version.source}/model.sig`)
  })

  it('masks the ID token', () => {
    expect(standIn.issuedTokens).toHaveLength(1)
    expect(registration.host.secrets).toEqual(
      expect.arrayContaining(standIn.issuedTokens)
    )
  })

  it('keeps the ID token out of logs and outputs', () => {
    expectSecretsAbsent(
      { values: standIn.issuedTokens },
      {
        'log, outputs and summary': registration.host.visibleText(),
        failure: registration.host.failure ?? ''
      }
    )
  })
})

describe('keyless re-run', () => {
  it('reuses the version without signing', async () => {
    const before = {
      sigstore: sigstore.requests.length,
      idTokens: standIn.requestCount()
    }
    const rerun = await runAction(registrationInputs(), jobEnv(RUN_ID))
    expect(rerun.result.diagnosis?.code).toBeUndefined()
    expect(rerun.result.outcome).toBe('reused')
    expect(rerun.host.outputs.get('model-digest')).toBe(
      registration.host.outputs.get('model-digest')
    )
    expect(sigstore.requests.length).toBe(before.sigstore)
    expect(standIn.requestCount()).toBe(before.idTokens)
  })
})

describe('keyless dry run', () => {
  it('signs nothing and plans no model.sig', async () => {
    const before = {
      sigstore: sigstore.requests.length,
      idTokens: standIn.requestCount()
    }
    const run = await runAction(
      {
        ...targetInputs(target),
        'model-name': uniqueModelName('keyless-dry-run'),
        'model-path': 'examples/model',
        'dry-run': 'true',
        signing: 'sigstore',
        'sigstore-fulcio-url': sigstore.fulcioUrl,
        'sigstore-rekor-url': sigstore.rekorUrl
      },
      jobEnv()
    )
    expect(run.result.diagnosis?.code).toBeUndefined()
    expect(run.host.outputs.get('planned-calls')).toContain('MLmodel')
    expect(run.host.outputs.get('planned-calls')).not.toContain('model.sig')
    expect(sigstore.requests.length).toBe(before.sigstore)
    expect(standIn.requestCount()).toBe(before.idTokens)
  })
})

describe('model.sig of a keyless registration', () => {
  // scripts/model-signing/setup-venv.sh installs model-signing 1.1.1 and
  // the sigstore-python release it verifies with into .venv-extra.
  const python = path.join(ROOT, '.venv-extra/bin/python')
  const script = path.join(ROOT, '__tests__/fixtures/verify_sigstore_bundle.py')

  it('sigstore-python verifies it', async () => {
    const root = proxyPathOf(version.source ?? '')
    const api = `${target.server.url}/api/2.0/mlflow-artifacts/artifacts`
    const response = await fetch(`${api}/${root}/model.sig`)
    expect(response.status).toBe(200)
    const bundlePath = path.join(directory, 'model.sig')
    writeFileSync(bundlePath, await response.text())

    const run = spawnSync(
      python,
      [script, bundlePath, trustedRootPath, GITHUB_CLAIMS.sub, standIn.issuer],
      { encoding: 'utf8' }
    )
    if (run.error) throw run.error
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    const verified = JSON.parse(run.stdout) as { payloadType: string }
    expect(verified.payloadType).toBe('application/vnd.in-toto+json')
  })
})

describe('verification by signer identity', () => {
  it('passes for the signing job', async () => {
    const run = await verify()
    expect(run.result.diagnosis?.code).toBeUndefined()
    expect(run.result.outcome).toBe('verified')
    expect(run.host.outputs.get('model-digest')).toBe(
      registration.host.outputs.get('model-digest')
    )
  })

  it('rejects another identity', async () => {
    const run = await verify('repo:hokusai/mlflow-register:ref:refs/heads/dev')
    expect(run.result.outcome).toBe('failed')
    expect(run.result.diagnosis?.code).toBe('SIGNER_IDENTITY_MISMATCH')
  })

  it('rejects another issuer', async () => {
    const run = await runAction(
      {
        ...targetInputs(target),
        mode: 'verify',
        source: `models:/${modelName}/1`,
        'certificate-identity': GITHUB_CLAIMS.sub,
        'certificate-oidc-issuer':
          'https://token.actions.githubusercontent.com',
        'sigstore-trusted-root': trustedRootPath
      },
      githubEnv()
    )
    expect(run.result.diagnosis?.code).toBe('SIGNER_ISSUER_MISMATCH')
  })

  it('rejects a key signature check', async () => {
    const run = await runAction(
      {
        ...targetInputs(target),
        mode: 'verify',
        source: `models:/${modelName}/1`,
        'verify-key': generateKeyPairSync('ec', { namedCurve: 'P-256' })
          .publicKey.export({ type: 'spki', format: 'pem' })
          .toString()
      },
      githubEnv()
    )
    expect(run.result.diagnosis?.code).toBe('CLIENT_CONFIG')
    expect(run.result.diagnosis?.fix).toContain('certificate-identity')
  })

  it('verify-signature accepts the signed run source', async () => {
    const fromRun = uniqueModelName('from-keyless-run')
    const run = await runAction(
      {
        ...targetInputs(target),
        'model-name': fromRun,
        source: `runs:/${version.run_id ?? ''}/model`,
        'verify-signature': 'true',
        'certificate-identity': GITHUB_CLAIMS.sub,
        'certificate-oidc-issuer': standIn.issuer,
        'sigstore-trusted-root': trustedRootPath
      },
      githubEnv()
    )
    expect(run.result.diagnosis?.code).toBeUndefined()
    expect(run.result.outcome).toBe('registered')
    const created = await getModelVersion('plain', fromRun, '1')
    expect(tagsOf(created)[DIGEST_TAG]).toBe(
      registration.host.outputs.get('model-digest')
    )
  })

  describe('after a file in the artifact store changed', () => {
    let verification: ActionRun

    beforeAll(async () => {
      const root = proxyPathOf(version.source ?? '')
      await overwriteArtifact(target, `${root}/conda.yaml`, 'name: other\n')
      verification = await verify()
    })

    it('fails with a digest mismatch', () => {
      expect(verification.result.outcome).toBe('failed')
      expect(verification.result.diagnosis?.code).toBe('MODEL_DIGEST_MISMATCH')
    })

    it('names the changed file', () => {
      expect(verification.result.diagnosis?.detail).toContain(
        'file conda.yaml was changed after signing'
      )
    })
  })
})
