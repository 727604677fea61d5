import { readFileSync, rmSync } from 'node:fs'
import tls from 'node:tls'

import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals'

import { run } from '../../../src/main.js'
import { tagsOf } from '../../support/artifact-store.js'
import {
  startAttestationsStandIn,
  type AttestationsStandIn
} from '../../support/attestations-standin.js'
import {
  startConnectRouter,
  type ConnectRouter
} from '../../support/connect-router.js'
import {
  startGitHubOidcStandIn,
  type GitHubOidcStandIn
} from '../../support/github-oidc-standin.js'
import { createPrivateCa, type PrivateCa } from '../../support/pki.js'
import { RecordingHost } from '../../support/recording-host.js'
import {
  createTarget,
  getModelVersion,
  githubEnv,
  targetInputs,
  type ActionRun,
  type RestModelVersion,
  type Target
} from '../../support/registration.js'
import { expectSecretsAbsent } from '../../support/secret-scan.js'
import { uniqueModelName } from '../../support/servers.js'
import {
  startSigstoreServices,
  type SigstoreServices
} from '../../support/sigstore-services.js'

// Jest reads `testTimeout` only from the top-level configuration.
jest.setTimeout(120_000)

// For a repository whose visibility is unknown, @actions/attest 3.2.0
// signs with GitHub's Sigstore instance at fulcio.<server host> and
// timestamp.<server host>. A server URL of https://localhost keeps both
// names under .localhost, which RFC 6761 reserves for loopback. The
// CONNECT router tunnels them to loopback, and a test CA that Node
// trusts for this file signs their certificate.
const SERVER_URL = 'https://localhost'
const SIGSTORE_HOSTS = ['fulcio.localhost', 'timestamp.localhost']
const REPOSITORY = 'hokusai/mlflow-register'
const GITHUB_TOKEN = 'ghs_attested0registration0token'
const ATTESTATION_TAG = 'mlflow_register.attestation_url'

let ca: PrivateCa
let standIn: GitHubOidcStandIn
let sigstore: SigstoreServices
let router: ConnectRouter
let attestations: AttestationsStandIn
let target: Target
let modelName: string
let registration: ActionRun
let version: RestModelVersion
const savedEnv = { ...process.env }
const savedCas = tls.getCACertificates('default')

/** Returns the runner's variables of a job with both permissions. */
function jobEnv(): NodeJS.ProcessEnv {
  return {
    ...githubEnv(),
    ...standIn.env,
    GITHUB_SERVER_URL: SERVER_URL,
    GITHUB_REPOSITORY: REPOSITORY
  }
}

async function startStandIns(): Promise<void> {
  ca = createPrivateCa('Attestation Stand-in CA')
  tls.setDefaultCACertificates([...savedCas, readFileSync(ca.cert, 'utf8')])
  const server = ca.issueServer('sigstore', SIGSTORE_HOSTS)
  standIn = await startGitHubOidcStandIn()
  sigstore = await startSigstoreServices({
    cert: readFileSync(server.cert, 'utf8'),
    key: readFileSync(server.key, 'utf8')
  })
  const port = Number(new URL(sigstore.url).port)
  router = await startConnectRouter(
    Object.fromEntries(SIGSTORE_HOSTS.map(host => [`${host}:443`, port]))
  )
  attestations = await startAttestationsStandIn()
}

/**
 * Runs the action in-process as a runner would, except that the ID
 * token issuer is the stand-in's: @actions/attest accepts only
 * github.com and GHE.com server URLs when it derives the issuer.
 */
async function runAttesting(
  inputs: Record<string, string>,
  env: NodeJS.ProcessEnv
): Promise<ActionRun> {
  const host = Object.assign(new RecordingHost(inputs, env), {
    attestationIssuer: standIn.issuer
  })
  const result = await run(host)
  return { host, result }
}

beforeAll(async () => {
  await startStandIns()
  for (const name of ['https_proxy', 'http_proxy', 'no_proxy']) {
    Reflect.deleteProperty(process.env, name)
    Reflect.deleteProperty(process.env, name.toUpperCase())
  }
  delete process.env.GITHUB_EVENT_PATH
  // @actions/attest, @actions/core and @sigstore/sign read these from
  // process.env, not from the host's environment.
  Object.assign(process.env, standIn.env, {
    GITHUB_SERVER_URL: SERVER_URL,
    GITHUB_API_URL: attestations.url,
    GITHUB_REPOSITORY: REPOSITORY,
    HTTPS_PROXY: router.url,
    NO_PROXY: '127.0.0.1'
  })

  target = await createTarget('plain')
  modelName = uniqueModelName('attested')
  registration = await runAttesting(
    {
      ...targetInputs(target),
      'model-name': modelName,
      'model-path': 'examples/model',
      attest: 'true',
      'github-token': GITHUB_TOKEN
    },
    jobEnv()
  )
  version = await getModelVersion('plain', modelName, '1')
})

afterAll(async () => {
  process.env = savedEnv
  tls.setDefaultCACertificates(savedCas)
  await attestations.stop()
  await router.stop()
  await sigstore.stop()
  await standIn.stop()
  rmSync(ca.dir, { recursive: true, force: true })
})

interface SentStatement {
  subject: { name: string; digest: Record<string, string> }[]
}

function sentStatement(): SentStatement {
  const body = attestations.requests.at(-1)?.body as {
    bundle: { dsseEnvelope: { payload: string } }
  }
  const payload = Buffer.from(body.bundle.dsseEnvelope.payload, 'base64')
  return JSON.parse(payload.toString('utf8')) as SentStatement
}

describe('registration with attest', () => {
  const attestationUrl = `${SERVER_URL}/${REPOSITORY}/attestations/4100`

  it('registers the version', () => {
    expect(registration.result.diagnosis?.code).toBeUndefined()
    expect(registration.result.outcome).toBe('registered')
  })

  it('stores one attestation', () => {
    expect(attestations.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      `POST /repos/${REPOSITORY}/attestations`
    ])
  })

  it('attests the model digest', () => {
    const digest = registration.host.outputs.get('model-digest') ?? ''
    expect(digest).toMatch(/^[0-9a-f]{64}$/)
    expect(sentStatement().subject).toEqual([
      { name: modelName, digest: { sha256: digest } }
    ])
  })

  it('sets the attestation-url output', () => {
    expect(registration.host.outputs.get('attestation-url')).toBe(
      attestationUrl
    )
  })

  it('tags the version with the URL', () => {
    expect(tagsOf(version)[ATTESTATION_TAG]).toBe(attestationUrl)
  })

  it('masks the GitHub token', () => {
    expect(registration.host.secrets).toContain(GITHUB_TOKEN)
  })

  it('keeps tokens out of logs and outputs', () => {
    expect(standIn.issuedTokens.length).toBeGreaterThan(0)
    expectSecretsAbsent(
      { values: [GITHUB_TOKEN, ...standIn.issuedTokens] },
      {
        'log, outputs and summary': registration.host.visibleText(),
        failure: registration.host.failure ?? ''
      }
    )
  })
})

describe('attest without permissions', () => {
  it('fails before any request', async () => {
    const before = {
      api: attestations.requests.length,
      idTokens: standIn.requestCount()
    }
    const env = jobEnv()
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL
    const name = uniqueModelName('unattested')
    const failed = await runAttesting(
      {
        ...targetInputs(target),
        'model-name': name,
        'model-path': 'examples/model',
        attest: 'true',
        'github-token': GITHUB_TOKEN
      },
      env
    )
    expect(failed.result.diagnosis?.code).toBe('ATTESTATION_PERMISSION')
    expect(attestations.requests.length).toBe(before.api)
    expect(standIn.requestCount()).toBe(before.idTokens)
    expect(failed.result.version).toBeUndefined()
  })
})

describe('attest on an unsigned run source', () => {
  it('attests the digest of the streamed files', async () => {
    const name = uniqueModelName('attested-run')
    const source = `runs:/${version.run_id ?? ''}/model`
    const attested = await runAttesting(
      {
        ...targetInputs(target),
        'model-name': name,
        source,
        attest: 'true',
        'github-token': GITHUB_TOKEN
      },
      jobEnv()
    )
    expect(attested.result.diagnosis?.code).toBeUndefined()
    expect(attested.result.outcome).toBe('registered')
    const digest = registration.host.outputs.get('model-digest') ?? ''
    expect(attested.host.outputs.get('model-digest')).toBe(digest)
    expect(sentStatement().subject).toEqual([
      { name, digest: { sha256: digest } }
    ])
  })
})
