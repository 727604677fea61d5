import type { SigningSettings } from '../config/signing-settings.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Bundle } from './key-bundle.js'
import { parseStatement, type SignedManifest } from './statement.js'

/**
 * Verifies a keyless `model.sig` bundle against `sigstore-trusted-root`
 * and the signer named by `certificate-identity` and
 * `certificate-oidc-issuer`, and returns the signed statement's manifest.
 */
export async function verifyKeylessBundle(
  bundle: Bundle,
  signing: SigningSettings,
  where: string
): Promise<SignedManifest> {
  const { identity, sigstore } = signing
  if (!identity || !sigstore.trustedRootPath) {
    // The configuration check requires both before any request.
    throw new Error(
      'verifyKeylessBundle needs a signer identity and a trusted root'
    )
  }
  // Sigstore's verifier is loaded only here, so that runs without a
  // keyless signature start without it.
  const { verifySigstoreBundle } = await import('./sigstore-verify.js')
  const statement = Buffer.from(bundle.dsseEnvelope.payload, 'base64')
  verifySigstoreBundle(bundle, statement, identity, {
    trustedRootPath: sigstore.trustedRootPath
  })
  const signed = parseStatement(statement)
  if ('invalid' in signed) {
    throw new DiagnosedError(
      diagnose(
        'SIGNATURE_INVALID',
        `The signature ${where} is valid, but its statement is not a ` +
          `model signing statement: ${signed.invalid}.`,
        'Sign the model with `signing: sigstore` or `model_signing sign`.'
      )
    )
  }
  return signed
}
