import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import type { SerializedBundle } from '@sigstore/bundle'

import { requestIdToken } from '../../src/auth/github-id-token.js'
import type { DiagnosedError } from '../../src/diagnosis/diagnosis.js'
import { signWithSigstore } from '../../src/provenance/sigstore-sign.js'
import { verifySigstoreBundle } from '../../src/provenance/sigstore-verify.js'
import { IN_TOTO_PAYLOAD_TYPE } from '../../src/provenance/statement.js'
import {
  GITHUB_CLAIMS,
  startGitHubOidcStandIn,
  type GitHubOidcStandIn
} from '../support/github-oidc-standin.js'
import {
  startSigstoreServices,
  type SigstoreServices
} from '../support/sigstore-services.js'

const ROOT = path.resolve(import.meta.dirname, '../..')

// scripts/model-signing/setup-venv.sh installs model-signing 1.1.1 and
// the sigstore-python release it verifies with into .venv-extra.
const PYTHON = path.join(ROOT, '.venv-extra/bin/python')
const VERIFY_SCRIPT = path.join(
  ROOT,
  '__tests__/fixtures/verify_sigstore_bundle.py'
)

const STATEMENT = Buffer.from(
  JSON.stringify({
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ name: 'churn', digest: { sha256: 'ab'.repeat(32) } }],
    predicateType: 'https://model_signing/signature/v1.0',
    predicate: {}
  })
)

let standIn: GitHubOidcStandIn
let sigstore: SigstoreServices
let directory: string
let trustedRootPath: string
let bundle: SerializedBundle
const masked: string[] = []
/** How many Sigstore requests had arrived when each value was masked. */
const requestsWhenMasked: number[] = []
const savedEnv = { ...process.env }

beforeAll(async () => {
  standIn = await startGitHubOidcStandIn()
  sigstore = await startSigstoreServices()
  // getIDToken in @actions/core reads these from process.env.
  Object.assign(process.env, standIn.env)
  directory = mkdtempSync(path.join(tmpdir(), 'sigstore-'))
  trustedRootPath = sigstore.writeTrustedRoot(directory)
  bundle = await signWithSigstore(STATEMENT, {
    requestIdToken,
    setSecret: value => {
      masked.push(value)
      requestsWhenMasked.push(sigstore.requests.length)
    },
    fulcioUrl: sigstore.fulcioUrl,
    rekorUrl: sigstore.rekorUrl,
    tsaUrl: sigstore.tsaUrl
  })
})

afterAll(async () => {
  process.env = savedEnv
  rmSync(directory, { recursive: true, force: true })
  await sigstore.stop()
  await standIn.stop()
})

const expected = () => ({
  identity: GITHUB_CLAIMS.sub,
  issuer: standIn.issuer
})

/** Runs `verify` and returns the code of the error it threw. */
function failureCode(verify: () => unknown): string {
  return failureOf(verify).code
}

function failureOf(verify: () => unknown): DiagnosedError['diagnosis'] {
  try {
    verify()
  } catch (error) {
    return (error as DiagnosedError).diagnosis
  }
  throw new Error('verification passed, but a failure was expected')
}

/** Returns the bundle with one byte of the envelope's payload flipped. */
function withFlippedPayloadByte(original: SerializedBundle): SerializedBundle {
  const copy = structuredClone(original)
  const envelope = copy.dsseEnvelope
  if (!envelope) throw new Error('the bundle has no DSSE envelope')
  const payload = Buffer.from(envelope.payload, 'base64')
  payload[10] = (payload[10] ?? 0) ^ 0x01
  envelope.payload = payload.toString('base64')
  return copy
}

describe('signWithSigstore', () => {
  it('writes a v0.3 bundle with a DSSE envelope', () => {
    expect(bundle.mediaType).toBe(
      'application/vnd.dev.sigstore.bundle.v0.3+json'
    )
    expect(bundle.dsseEnvelope?.payloadType).toBe(IN_TOTO_PAYLOAD_TYPE)
    expect(bundle.dsseEnvelope?.payload).toBe(STATEMENT.toString('base64'))
    expect(bundle.dsseEnvelope?.signatures).toHaveLength(1)
  })

  it('keeps one leaf certificate, not a chain', () => {
    const material = bundle.verificationMaterial
    expect(material.certificate?.rawBytes).toEqual(expect.any(String))
    expect(material.x509CertificateChain).toBeUndefined()
  })

  it('records a Rekor dsse entry and a timestamp', () => {
    const material = bundle.verificationMaterial
    expect(material.tlogEntries).toHaveLength(1)
    expect(material.tlogEntries[0]?.kindVersion).toEqual({
      kind: 'dsse',
      version: '0.0.1'
    })
    expect(material.timestampVerificationData?.rfc3161Timestamps).toHaveLength(
      1
    )
  })

  it('calls Fulcio, Rekor and the TSA once each', () => {
    const services = sigstore.requests.map(line => line.split(' ')[0])
    expect(services.sort()).toEqual(['fulcio', 'rekor', 'tsa'])
  })

  it('masks the ID token before use', () => {
    expect(standIn.issuedTokens).toHaveLength(1)
    expect(masked).toEqual(standIn.issuedTokens)
    expect(requestsWhenMasked).toEqual([0])
  })

  it('requests the ID token for audience sigstore', () => {
    const token = standIn.issuedTokens[0] ?? ''
    const claims = JSON.parse(
      Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')
    ) as { aud: string }
    expect(claims.aud).toBe('sigstore')
  })
})

describe('signWithSigstore failures', () => {
  it('names Fulcio when it rejects the request', async () => {
    const fulcioUrl = `${sigstore.fulcioUrl}/missing`
    const signing = signWithSigstore(STATEMENT, {
      requestIdToken,
      setSecret: () => undefined,
      fulcioUrl,
      rekorUrl: sigstore.rekorUrl,
      retries: 0
    })
    await expect(signing).rejects.toMatchObject({
      diagnosis: { code: 'SIGSTORE_SIGNING_FAILED' }
    })
    await expect(signing).rejects.toThrow(`at Fulcio at ${fulcioUrl}`)
  })
})

describe('verifySigstoreBundle', () => {
  it('returns the signer of a valid bundle', () => {
    const signer = verifySigstoreBundle(bundle, STATEMENT, expected(), {
      trustedRootPath
    })
    expect(signer).toEqual(expected())
  })

  it('rejects a flipped payload byte', () => {
    const tampered = withFlippedPayloadByte(bundle)
    const tamperedStatement = Buffer.from(
      tampered.dsseEnvelope?.payload ?? '',
      'base64'
    )
    const code = failureCode(() =>
      verifySigstoreBundle(tampered, tamperedStatement, expected(), {
        trustedRootPath
      })
    )
    expect(code).toBe('SIGNATURE_INVALID')
  })

  it('rejects a statement the envelope does not hold', () => {
    const other = Buffer.from(STATEMENT.toString().replace('churn', 'other'))
    const code = failureCode(() =>
      verifySigstoreBundle(bundle, other, expected(), { trustedRootPath })
    )
    expect(code).toBe('SIGNATURE_INVALID')
  })

  it('rejects a wrong identity', () => {
    const wrong = { ...expected(), identity: 'repo:someone/else:ref:main' }
    const code = failureCode(() =>
      verifySigstoreBundle(bundle, STATEMENT, wrong, { trustedRootPath })
    )
    expect(code).toBe('SIGNER_IDENTITY_MISMATCH')
  })

  it('rejects a wrong issuer', () => {
    const wrong = { ...expected(), issuer: 'https://issuer.invalid' }
    const code = failureCode(() =>
      verifySigstoreBundle(bundle, STATEMENT, wrong, { trustedRootPath })
    )
    expect(code).toBe('SIGNER_ISSUER_MISMATCH')
  })

  it('rejects a bundle from an untrusted Fulcio', async () => {
    const others = await startSigstoreServices()
    try {
      const otherRoot = others.writeTrustedRoot(
        mkdtempSync(path.join(directory, 'other-'))
      )
      const failure = failureOf(() =>
        verifySigstoreBundle(bundle, STATEMENT, expected(), {
          trustedRootPath: otherRoot
        })
      )
      expect(failure.code).toBe('SIGNATURE_INVALID')
      expect(failure.fix).toContain('Check `sigstore-trusted-root` first')
    } finally {
      await others.stop()
    }
  })
})

describe('sigstore-python verification', () => {
  /** Runs the Python verifier on the bundle, as model-signing would. */
  function verifyInPython(identity: string, issuer: string) {
    const bundlePath = path.join(directory, 'model.sig')
    writeFileSync(bundlePath, JSON.stringify(bundle))
    const run = spawnSync(
      PYTHON,
      [VERIFY_SCRIPT, bundlePath, trustedRootPath, identity, issuer],
      { encoding: 'utf8' }
    )
    if (run.error) throw run.error
    return run
  }

  it('accepts the bundle for the signer', () => {
    const run = verifyInPython(expected().identity, expected().issuer)
    expect(run.stderr).toBe('')
    expect(run.status).toBe(0)
    expect(JSON.parse(run.stdout)).toEqual({
      payloadType: IN_TOTO_PAYLOAD_TYPE,
      payloadSha256: createHash('sha256').update(STATEMENT).digest('hex')
    })
  })

  it('rejects the bundle for another identity', () => {
    const run = verifyInPython('repo:someone/else:ref:main', standIn.issuer)
    expect(run.status).toBe(1)
    expect(run.stderr).toContain("Certificate's SANs do not match")
  })
})
