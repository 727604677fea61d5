import { X509Certificate } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { verifySigstoreBundle } from '../../../src/provenance/sigstore-verify.js'
import { createPrivateCa, type PrivateCa } from '../../support/pki.js'

const STATEMENT = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}')
const SIGNER = { identity: 'repo:o/r:ref:refs/heads/main', issuer: 'https://i' }

let ca: PrivateCa
let directory: string
let trustedRoot: Record<string, unknown>
let trustedRootPath: string

/** Returns the base64 DER of the first certificate in a PEM file. */
function derOf(pemFile: string): string {
  const pem = readFileSync(pemFile, 'utf8')
  return new X509Certificate(pem).raw.toString('base64')
}

beforeAll(() => {
  ca = createPrivateCa('Verify Unit CA')
  directory = mkdtempSync(path.join(tmpdir(), 'verify-unit-'))
  trustedRoot = {
    mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
    tlogs: [],
    certificateAuthorities: [
      {
        subject: { organization: 'unit', commonName: 'unit' },
        uri: 'http://127.0.0.1:9',
        certChain: { certificates: [{ rawBytes: derOf(ca.cert) }] },
        validFor: { start: '2026-01-01T00:00:00Z' }
      }
    ],
    ctlogs: [],
    timestampAuthorities: []
  }
  trustedRootPath = path.join(directory, 'trusted_root.json')
  writeFileSync(trustedRootPath, JSON.stringify(trustedRoot))
})

afterAll(() => {
  rmSync(directory, { recursive: true, force: true })
  rmSync(ca.dir, { recursive: true, force: true })
})

/** Builds a well-formed v0.3 bundle whose signature was never made. */
function dsseBundle(payloadType: string, payload: Buffer = STATEMENT) {
  return {
    mediaType: 'application/vnd.dev.sigstore.bundle.v0.3+json',
    verificationMaterial: {
      certificate: {
        rawBytes: Buffer.from('not a certificate').toString('base64')
      },
      tlogEntries: []
    },
    dsseEnvelope: {
      payload: payload.toString('base64'),
      payloadType,
      signatures: [{ sig: Buffer.from('sig').toString('base64'), keyid: '' }]
    }
  }
}

/** Runs `verify` and returns the error it threw. */
function thrown(verify: () => unknown): Error & {
  diagnosis: { code: string; detail: string }
} {
  try {
    verify()
  } catch (error) {
    return error as Error & { diagnosis: { code: string; detail: string } }
  }
  throw new Error('verification passed, but a failure was expected')
}

describe('verifySigstoreBundle trusted root', () => {
  it('requires a trusted root path', () => {
    const error = thrown(() => verifySigstoreBundle({}, STATEMENT, SIGNER))
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain('no Sigstore trusted root was given')
  })

  it('names an unreadable trusted root file', () => {
    const missing = path.join(directory, 'absent.json')
    const error = thrown(() =>
      verifySigstoreBundle({}, STATEMENT, SIGNER, { trustedRootPath: missing })
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain(missing)
  })
})

describe('verifySigstoreBundle trusted root form', () => {
  it('rejects JSON that is no trusted root', () => {
    const error = thrown(() =>
      verifySigstoreBundle({}, STATEMENT, SIGNER, {
        trustedRoot: { mediaType: 'application/json' }
      })
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.message).toContain('expected a Sigstore trusted root')
  })

  it('rejects a trusted root without authorities', () => {
    const error = thrown(() =>
      verifySigstoreBundle({}, STATEMENT, SIGNER, {
        trustedRoot: { ...trustedRoot, certificateAuthorities: [] }
      })
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
  })

  it('takes a parsed trusted root', () => {
    const error = thrown(() =>
      verifySigstoreBundle({ mediaType: 'text/plain' }, STATEMENT, SIGNER, {
        trustedRoot
      })
    )
    expect(error.diagnosis.code).toBe('SIGNATURE_INVALID')
  })
})

describe('verifySigstoreBundle bundle form', () => {
  const verify = (bundle: unknown, statement = STATEMENT) =>
    thrown(() =>
      verifySigstoreBundle(bundle, statement, SIGNER, { trustedRootPath })
    )

  it('rejects JSON that is no bundle', () => {
    const error = verify({ mediaType: 'text/plain' })
    expect(error.diagnosis.code).toBe('SIGNATURE_INVALID')
    expect(error.diagnosis.detail).toContain('not a valid Sigstore bundle')
  })

  it('rejects another payload type', () => {
    const error = verify(dsseBundle('application/json'))
    expect(error.diagnosis.code).toBe('SIGNATURE_INVALID')
    expect(error.diagnosis.detail).toContain('payload type')
  })

  it('rejects an envelope over another statement', () => {
    const bundle = dsseBundle('application/vnd.in-toto+json')
    const error = verify(bundle, Buffer.from('{}'))
    expect(error.diagnosis.code).toBe('SIGNATURE_INVALID')
    expect(error.diagnosis.detail).toContain('another statement')
  })

  it('rejects a certificate no authority issued', () => {
    const error = verify(dsseBundle('application/vnd.in-toto+json'))
    expect(error.diagnosis.code).toBe('SIGNATURE_INVALID')
  })
})
