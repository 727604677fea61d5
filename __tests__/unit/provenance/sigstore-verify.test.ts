import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'

import { verifySigstoreBundle } from '../../../src/provenance/sigstore-verify.js'

const STATEMENT = Buffer.from('{"_type":"https://in-toto.io/Statement/v1"}')
const SIGNER = { identity: 'repo:o/r:ref:refs/heads/main', issuer: 'https://i' }

let directory: string
let trustedRootPath: string

beforeAll(() => {
  directory = mkdtempSync(path.join(tmpdir(), 'verify-unit-'))
  trustedRootPath = path.join(directory, 'trusted_root.json')
  writeFileSync(
    trustedRootPath,
    JSON.stringify({
      mediaType: 'application/vnd.dev.sigstore.trustedroot+json;version=0.1',
      tlogs: [],
      certificateAuthorities: [],
      ctlogs: [],
      timestampAuthorities: []
    })
  )
})

afterAll(() => {
  rmSync(directory, { recursive: true, force: true })
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
