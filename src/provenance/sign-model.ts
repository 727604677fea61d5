import type { SigningSettings } from '../config/signing-settings.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import { signEnvelope } from './dsse.js'
import { buildKeyBundle } from './key-bundle.js'
import { rootDigest, type ModelManifest } from './model-digest.js'
import { IN_TOTO_PAYLOAD_TYPE, buildStatement } from './statement.js'

/** A signed model: its digest and the `model.sig` bundle's JSON text. */
export interface ModelSignature {
  readonly digest: string
  readonly bundleText: string
}

/**
 * Signs a model manifest as configured: the in-toto statement in a DSSE
 * envelope, wrapped in a Sigstore bundle that model-signing 1.1.1 reads
 * with `model_signing verify key`.
 */
export function signManifest(
  manifest: ModelManifest,
  signing: SigningSettings
): ModelSignature {
  if (signing.method === 'sigstore') throw keylessUnsupported('signing')
  if (!signing.privateKey) {
    throw new Error('signManifest needs the private key of `signing: key`')
  }
  const statement = buildStatement(manifest)
  const envelope = signEnvelope(
    IN_TOTO_PAYLOAD_TYPE,
    statement,
    signing.privateKey
  )
  const bundle = buildKeyBundle(envelope, signing.privateKey)
  return {
    digest: rootDigest(manifest.files),
    bundleText: JSON.stringify(bundle)
  }
}

/**
 * Returns the error for keyless Sigstore signing or verification, which
 * this build does not include.
 */
export function keylessUnsupported(
  operation: 'signing' | 'verification'
): Error {
  // NOTE: keyless Sigstore signing and verification are not wired in
  // this build, so only key signatures are made and checked.
  return new DiagnosedError(
    diagnose(
      'UNSUPPORTED_FEATURE',
      `Keyless Sigstore ${operation} is not available in this version of the ` +
        'action; it signs and verifies with EC keys only.',
      operation === 'signing'
        ? 'Set `signing: key` with `signing-key`, or `signing: none`.'
        : 'Set `verify-key` to the public key of a key signature.',
      {},
      `Sigstore ${operation} is not supported yet`
    )
  )
}
