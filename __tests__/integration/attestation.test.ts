import { readFileSync, rmSync } from 'node:fs'
import tls from 'node:tls'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import type { DiagnosedError } from '../../src/diagnosis/diagnosis.js'
import { attestModelProvenance } from '../../src/provenance/attest.js'
import {
  startAttestationsStandIn,
  type AttestationsStandIn
} from '../support/attestations-standin.js'
import {
  startConnectRouter,
  type ConnectRouter
} from '../support/connect-router.js'
import {
  startGitHubOidcStandIn,
  type GitHubOidcStandIn
} from '../support/github-oidc-standin.js'
import { createPrivateCa, type PrivateCa } from '../support/pki.js'
import {
  startSigstoreServices,
  type SigstoreServices
} from '../support/sigstore-services.js'

// For a repository whose visibility is unknown, @actions/attest 3.2.0
// signs with GitHub's Sigstore instance at fulcio.<server host> and
// timestamp.<server host>. A server URL of https://localhost keeps both
// names under .localhost, which RFC 6761 reserves for loopback, so a
// client that ignored the proxy could reach nothing else. The CONNECT
// router tunnels them to loopback, and a test CA that Node trusts for
// this file signs their certificate.
const SERVER_URL = 'https://localhost'
const SIGSTORE_HOSTS = ['fulcio.localhost', 'timestamp.localhost']
const REPOSITORY = 'hokusai/mlflow-register'
const MODEL_NAME = 'churn-classifier'
const DIGEST = 'c0ffee'.repeat(10) + 'c0de'
const GITHUB_TOKEN = 'ghs_attestation0test0token0value'

let ca: PrivateCa
let standIn: GitHubOidcStandIn
let sigstore: SigstoreServices
let router: ConnectRouter
let attestations: AttestationsStandIn
const savedEnv = { ...process.env }
const savedCas = tls.getCACertificates('default')

beforeAll(async () => {
  ca = createPrivateCa('Sigstore Stand-in CA')
  const server = ca.issueServer('sigstore', SIGSTORE_HOSTS)
  tls.setDefaultCACertificates([...savedCas, readFileSync(ca.cert, 'utf8')])
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

  for (const name of ['https_proxy', 'http_proxy', 'no_proxy']) {
    Reflect.deleteProperty(process.env, name)
    Reflect.deleteProperty(process.env, name.toUpperCase())
  }
  delete process.env.GITHUB_EVENT_PATH
  // @actions/attest, @actions/github and @sigstore/sign read these when
  // they load, which happens at the first attestation.
  Object.assign(process.env, standIn.env, {
    GITHUB_SERVER_URL: SERVER_URL,
    GITHUB_API_URL: attestations.url,
    GITHUB_REPOSITORY: REPOSITORY,
    HTTPS_PROXY: router.url,
    NO_PROXY: '127.0.0.1'
  })
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

function attestationRequest(overrides: {
  env?: NodeJS.ProcessEnv
  githubToken?: string
  masked?: string[]
}) {
  return {
    modelName: MODEL_NAME,
    sha256: DIGEST,
    githubToken: overrides.githubToken ?? GITHUB_TOKEN,
    env: overrides.env ?? process.env,
    setSecret: (value: string) => overrides.masked?.push(value),
    issuer: standIn.issuer
  }
}

/** Counts the requests that every stand-in has received so far. */
function requestCounts() {
  return {
    idTokens: standIn.requestCount(),
    sigstore: sigstore.requests.length,
    router: router.targets.length,
    api: attestations.requests.length
  }
}

interface InTotoStatement {
  subject: { name: string; digest: Record<string, string> }[]
  predicateType: string
}

function sentStatement(): InTotoStatement {
  const body = attestations.requests.at(-1)?.body as {
    bundle: { dsseEnvelope: { payload: string } }
  }
  const payload = Buffer.from(body.bundle.dsseEnvelope.payload, 'base64')
  return JSON.parse(payload.toString('utf8')) as InTotoStatement
}

describe('attestModelProvenance permissions', () => {
  it('rejects a job without id-token write', async () => {
    const before = requestCounts()
    const env = { ...process.env }
    delete env.ACTIONS_ID_TOKEN_REQUEST_URL
    delete env.ACTIONS_ID_TOKEN_REQUEST_TOKEN
    const attesting = attestModelProvenance(attestationRequest({ env }))

    await expect(attesting).rejects.toThrow('id-token: write')
    await expect(attesting).rejects.toMatchObject({
      diagnosis: { code: 'ATTESTATION_PERMISSION' }
    })
    expect(requestCounts()).toEqual(before)
  })

  it('rejects an empty github-token', async () => {
    const before = requestCounts()
    const attesting = attestModelProvenance(
      attestationRequest({ githubToken: '' })
    )

    await expect(attesting).rejects.toThrow('attestations: write')
    expect(requestCounts()).toEqual(before)
  })
})

describe('attestModelProvenance', () => {
  const masked: string[] = []
  let result: { id: string; url: string }

  beforeAll(async () => {
    result = await attestModelProvenance(attestationRequest({ masked }))
  })

  it('returns the attestation id and URL', () => {
    expect(result).toEqual({
      id: '4100',
      url: `${SERVER_URL}/${REPOSITORY}/attestations/4100`
    })
  })

  it('stores one attestation in the repository', () => {
    expect(attestations.requests.map(r => `${r.method} ${r.path}`)).toEqual([
      `POST /repos/${REPOSITORY}/attestations`
    ])
    expect(attestations.requests[0]?.authorization).toContain(GITHUB_TOKEN)
  })

  it('attests the model digest under its name', () => {
    expect(sentStatement().subject).toEqual([
      { name: MODEL_NAME, digest: { sha256: DIGEST } }
    ])
  })

  it('states SLSA build provenance', () => {
    expect(sentStatement().predicateType).toBe('https://slsa.dev/provenance/v1')
  })

  it("signs with GitHub's Sigstore instance", () => {
    expect([...new Set(router.targets)].sort()).toEqual([
      'fulcio.localhost:443',
      'timestamp.localhost:443'
    ])
    const services = sigstore.requests.map(line => line.split(' ')[0])
    expect(services.sort()).toEqual(['fulcio', 'tsa'])
  })

  it('masks the GitHub token', () => {
    expect(masked).toContain(GITHUB_TOKEN)
  })
})

describe('attestModelProvenance failures', () => {
  it('reports a rejected store as ATTESTATION_FAILED', async () => {
    attestations.rejectNext(403)
    const attesting = attestModelProvenance(attestationRequest({}))
    const error = (await attesting.catch((e: unknown) => e)) as DiagnosedError

    expect(error.diagnosis.code).toBe('ATTESTATION_FAILED')
    expect(error.message).toContain('Failed to persist attestation')
  })
})
