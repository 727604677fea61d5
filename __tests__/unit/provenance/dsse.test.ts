import { generateKeyPairSync } from 'node:crypto'

import { describe, expect, it } from '@jest/globals'

import {
  preAuthEncoding,
  signEnvelope,
  verifyEnvelope
} from '../../../src/provenance/dsse.js'
import { DiagnosedError } from '../../../src/diagnosis/diagnosis.js'

const TYPE = 'application/vnd.in-toto+json'
const PAYLOAD = Buffer.from('{"a":"é"}')

describe('preAuthEncoding', () => {
  it('counts lengths in bytes', () => {
    expect(preAuthEncoding(TYPE, PAYLOAD).toString()).toBe(
      `DSSEv1 28 ${TYPE} 10 {"a":"é"}`
    )
  })
})

describe.each(['P-256', 'P-384', 'P-521'])('envelope on %s', curve => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', {
    namedCurve: curve
  })
  const envelope = signEnvelope(TYPE, PAYLOAD, privateKey)

  it('verifies with the public key', () => {
    expect(verifyEnvelope(envelope, publicKey)).toEqual(PAYLOAD)
  })

  it('fails with a changed payload', () => {
    const changed = {
      ...envelope,
      payload: Buffer.from('{}').toString('base64')
    }
    expect(verifyEnvelope(changed, publicKey)).toBeUndefined()
  })

  it('fails with a changed payload type', () => {
    const changed = { ...envelope, payloadType: 'text/plain' }
    expect(verifyEnvelope(changed, publicKey)).toBeUndefined()
  })
})

describe('signEnvelope', () => {
  it('rejects an Ed25519 key', () => {
    const { privateKey } = generateKeyPairSync('ed25519')
    expect(() => signEnvelope(TYPE, PAYLOAD, privateKey)).toThrow(
      DiagnosedError
    )
  })

  it('rejects a curve model-signing does not use', () => {
    const { privateKey } = generateKeyPairSync('ec', {
      namedCurve: 'secp256k1'
    })
    expect(() => signEnvelope(TYPE, PAYLOAD, privateKey)).toThrow(
      /not an EC key on P-256, P-384 or P-521/
    )
  })
})
