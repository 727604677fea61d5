import { createHash, generateKeyPairSync } from 'node:crypto'

import { describe, expect, it } from '@jest/globals'

import type { SigningSettings } from '../../../src/config/signing-settings.js'
import { signManifest } from '../../../src/provenance/sign-model.js'
import { verifySignatureBundle } from '../../../src/provenance/verify-signature.js'
import { diagnosedRejectionOf } from '../fixtures/thrown.js'

const keys = generateKeyPairSync('ec', { namedCurve: 'P-256' })
const SETTINGS: SigningSettings = {
  method: 'key',
  privateKey: keys.privateKey,
  verifyKey: keys.publicKey,
  verifySignature: false,
  digestSource: false,
  sigstore: {
    fulcioUrl: 'https://fulcio.invalid',
    rekorUrl: 'https://rekor.invalid'
  }
}
const MANIFEST = {
  modelName: 'model',
  files: [
    {
      name: 'MLmodel',
      digest: createHash('sha256').update('flavors').digest('hex')
    }
  ]
}
const SIGNED = signManifest(MANIFEST, SETTINGS).bundleText

interface BundleJson {
  mediaType: string
  verificationMaterial: { publicKey?: { hint?: string } }
  dsseEnvelope: {
    payload: string
    payloadType: string
    signatures: { sig: string }[]
  }
}

function edited(change: (bundle: BundleJson) => void): string {
  const bundle = JSON.parse(SIGNED) as BundleJson
  change(bundle)
  return JSON.stringify(bundle)
}

describe('verifySignatureBundle', () => {
  it('returns the signed manifest', async () => {
    const signed = await verifySignatureBundle(SIGNED, SETTINGS, 'model.sig')
    expect(signed.files).toEqual(MANIFEST.files)
  })

  it('accepts a bundle without a key hint', async () => {
    const text = edited(bundle => {
      delete bundle.verificationMaterial.publicKey
    })
    const signed = await verifySignatureBundle(text, SETTINGS, 'model.sig')
    expect(signed.modelName).toBe('model')
  })

  it.each([
    ['text that is not JSON', '{', /it is not JSON/],
    [
      'another media type',
      edited(bundle => {
        bundle.mediaType =
          'application/vnd.dev.sigstore.bundle+json;version=0.1'
      }),
      /its media type is/
    ],
    [
      'a hint of another key',
      edited(bundle => {
        bundle.verificationMaterial.publicKey = { hint: 'ab'.repeat(32) }
      }),
      /made with another key/
    ],
    [
      'a changed payload',
      edited(bundle => {
        const payload = Buffer.from(bundle.dsseEnvelope.payload, 'base64')
        const text = payload.toString().replace('MLmodel', 'MLmodeL')
        bundle.dsseEnvelope.payload = Buffer.from(text).toString('base64')
      }),
      /DSSE signature does not verify/
    ],
    [
      'no signature',
      edited(bundle => {
        bundle.dsseEnvelope.signatures = []
      }),
      /not a Sigstore bundle with a DSSE envelope/
    ]
  ])('rejects %s', async (_case, text, reason) => {
    const error = await diagnosedRejectionOf(
      verifySignatureBundle(text, SETTINGS, 'model.sig')
    )
    expect(error.diagnosis.code).toBe('SIGNATURE_INVALID')
    expect(error.diagnosis.detail).toMatch(reason)
  })

  it('reports a missing verify-key', async () => {
    const noKey: SigningSettings = {
      method: 'none',
      verifySignature: true,
      digestSource: false,
      sigstore: SETTINGS.sigstore
    }
    const error = await diagnosedRejectionOf(
      verifySignatureBundle(SIGNED, noKey, 'model.sig')
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.diagnosis.fix).toContain('verify-key')
  })

  it('reports a keyless bundle without identity', async () => {
    const text = edited(bundle => {
      bundle.verificationMaterial = {
        certificate: { rawBytes: 'AA==' }
      } as BundleJson['verificationMaterial']
    })
    const error = await diagnosedRejectionOf(
      verifySignatureBundle(text, SETTINGS, 'model.sig')
    )
    expect(error.diagnosis.code).toBe('CLIENT_CONFIG')
    expect(error.diagnosis.fix).toContain('certificate-identity')
  })
})
