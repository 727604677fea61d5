import type { KeyObject } from 'node:crypto'

import { z } from 'zod'

import { configError } from '../diagnosis/diagnosis.js'
import { nodeCrypto } from '../node-crypto.js'

/** A DSSE envelope as JSON carries it: payload and signatures in base64. */
export const envelopeSchema = z.object({
  payload: z.base64(),
  payloadType: z.string(),
  signatures: z
    .array(z.object({ sig: z.base64(), keyid: z.string().optional() }))
    .min(1)
})

/** A DSSE envelope. */
export type Envelope = z.infer<typeof envelopeSchema>

/**
 * Encodes a payload for signing as DSSE v1 prescribes (pre-authentication
 * encoding): `DSSEv1 <type length> <type> <payload length> <payload>`,
 * lengths in bytes, so the type cannot be swapped without breaking the
 * signature.
 */
export function preAuthEncoding(payloadType: string, payload: Buffer): Buffer {
  const type = Buffer.from(payloadType, 'utf8')
  const header = `DSSEv1 ${type.length} ${payloadType} ${payload.length} `
  return Buffer.concat([Buffer.from(header, 'utf8'), payload])
}

/**
 * Returns the digest that goes with an EC key's curve, as Sigstore's
 * key details pair them: SHA-256 for P-256, SHA-384 for P-384 and
 * SHA-512 for P-521. Other keys are rejected, as model-signing does.
 */
export function digestForKey(key: KeyObject, input: string): string {
  const curve = key.asymmetricKeyDetails?.namedCurve
  const digest =
    key.asymmetricKeyType === 'ec' && curve
      ? { prime256v1: 'sha256', secp384r1: 'sha384', secp521r1: 'sha512' }[
          curve
        ]
      : undefined
  if (digest) return digest
  throw configError(
    input,
    `the key is ${key.asymmetricKeyType ?? 'unknown'}` +
      `${curve ? ` on curve ${curve}` : ''}, not an EC key on P-256, ` +
      'P-384 or P-521',
    'Generate a key with `openssl ecparam -name prime256v1 -genkey` ' +
      'and convert it with `openssl pkcs8 -topk8 -nocrypt`.'
  )
}

/** Signs a payload into a DSSE envelope with an EC private key. */
export function signEnvelope(
  payloadType: string,
  payload: Buffer,
  privateKey: KeyObject
): Envelope {
  const digest = digestForKey(privateKey, 'input `signing-key`')
  const signature = nodeCrypto().sign(
    digest,
    preAuthEncoding(payloadType, payload),
    privateKey
  )
  return {
    payload: payload.toString('base64'),
    payloadType,
    signatures: [{ sig: signature.toString('base64'), keyid: '' }]
  }
}

/**
 * Checks the envelope's first signature with a public key, as
 * model-signing's key verifier does. Returns the payload when valid.
 */
export function verifyEnvelope(
  envelope: Envelope,
  publicKey: KeyObject
): Buffer | undefined {
  const digest = digestForKey(publicKey, 'input `verify-key`')
  const payload = Buffer.from(envelope.payload, 'base64')
  const first = envelope.signatures[0]
  if (!first) return undefined
  const valid = nodeCrypto().verify(
    digest,
    preAuthEncoding(envelope.payloadType, payload),
    publicKey,
    Buffer.from(first.sig, 'base64')
  )
  return valid ? payload : undefined
}

/** Returns the SubjectPublicKeyInfo PEM of a private or public key. */
export function publicKeyPem(key: KeyObject): string {
  const publicKey =
    key.type === 'private' ? nodeCrypto().createPublicKey(key) : key
  return publicKey.export({ type: 'spki', format: 'pem' }).toString()
}
