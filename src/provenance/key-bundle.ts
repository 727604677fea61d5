import type { KeyObject } from 'node:crypto'

import { z } from 'zod'

import { nodeCrypto } from '../node-crypto.js'
import { envelopeSchema, publicKeyPem, type Envelope } from './dsse.js'

/** The media type of Sigstore bundle v0.3, which model-signing writes. */
export const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json'

/**
 * A Sigstore bundle that contains a DSSE envelope. Only the parts this
 * action reads are checked, and the rest, such as a keyless bundle's
 * certificate and log entries, is kept as it is.
 */
export const bundleSchema = z.looseObject({
  mediaType: z.string(),
  verificationMaterial: z.looseObject({
    publicKey: z.looseObject({ hint: z.string().nullish() }).optional()
  }),
  dsseEnvelope: envelopeSchema
})

/** A parsed Sigstore bundle. */
export type Bundle = z.infer<typeof bundleSchema>

/**
 * Returns the key hint model-signing records for a public key: the hex
 * SHA-256 of its SubjectPublicKeyInfo PEM text.
 */
export function publicKeyHint(key: KeyObject): string {
  return nodeCrypto()
    .createHash('sha256')
    .update(publicKeyPem(key))
    .digest('hex')
}

/**
 * Wraps a key-signed envelope in a Sigstore bundle as model-signing's key
 * signer lays it out: the key's hint as the verification material and no
 * transparency log entries, since nothing is logged.
 */
export function buildKeyBundle(
  envelope: Envelope,
  privateKey: KeyObject
): Bundle {
  return {
    mediaType: BUNDLE_MEDIA_TYPE,
    verificationMaterial: {
      publicKey: { hint: publicKeyHint(privateKey) },
      tlogEntries: []
    },
    dsseEnvelope: envelope
  }
}

/** Parses a `model.sig` file, or returns why it is not a bundle. */
export function parseBundle(
  text: string
): { readonly bundle: Bundle } | { readonly invalid: string } {
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    return { invalid: 'it is not JSON' }
  }
  const result = bundleSchema.safeParse(json)
  if (!result.success) {
    const issue = result.error.issues[0]
    return {
      invalid:
        'it is not a Sigstore bundle with a DSSE envelope ' +
        `(${issue?.path.join('.') ?? ''}: ${issue?.message ?? ''})`
    }
  }
  if (result.data.mediaType !== BUNDLE_MEDIA_TYPE) {
    return {
      invalid:
        `its media type is ${result.data.mediaType}, expected ` +
        BUNDLE_MEDIA_TYPE
    }
  }
  return { bundle: result.data }
}
