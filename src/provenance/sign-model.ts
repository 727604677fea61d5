import type { SigningSettings } from '../config/signing-settings.js'
import type { SigstoreSettings } from '../config/sigstore-settings.js'
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
 * Signs a model manifest with the key of `signing: key`: the in-toto
 * statement in a DSSE envelope, wrapped in a Sigstore bundle that
 * model-signing 1.1.1 reads with `model_signing verify key`.
 */
export function signManifest(
  manifest: ModelManifest,
  signing: SigningSettings
): ModelSignature {
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

/** Requests the job's ID token and masks it, for keyless signing. */
export interface IdTokenSource {
  requestIdToken(audience: string): Promise<string>
  /** Hides a value in every later log line, before its first use. */
  setSecret(value: string): void
}

/**
 * Signs a model manifest keylessly: the same in-toto statement as key
 * signing, signed with a Fulcio certificate for the job's ID token and
 * witnessed by Rekor. sigstore-python verifies the bundle the way
 * model-signing 1.1.1 calls it (`Verifier.verify_dsse`).
 */
export async function signManifestKeylessly(
  manifest: ModelManifest,
  sigstore: SigstoreSettings,
  idTokens: IdTokenSource
): Promise<ModelSignature> {
  // Imported on first use: @sigstore/sign is large, and only this
  // signing method needs it.
  const { signWithSigstore } = await import('./sigstore-sign.js')
  const bundle = await signWithSigstore(buildStatement(manifest), {
    requestIdToken: audience => idTokens.requestIdToken(audience),
    setSecret: value => {
      idTokens.setSecret(value)
    },
    fulcioUrl: sigstore.fulcioUrl,
    rekorUrl: sigstore.rekorUrl
  })
  return {
    digest: rootDigest(manifest.files),
    bundleText: JSON.stringify(bundle)
  }
}
