import type { SigningSettings } from '../config/signing-settings.js'
import {
  configError,
  DiagnosedError,
  diagnose
} from '../diagnosis/diagnosis.js'
import { verifyEnvelope } from './dsse.js'
import { parseBundle, publicKeyHint, type Bundle } from './key-bundle.js'
import { verifyKeylessBundle } from './verify-keyless.js'
import {
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  type SignedManifest
} from './statement.js'

/**
 * Verifies a `model.sig` bundle and returns the signed statement's
 * manifest: a key signature with `verify-key`, a keyless one by its
 * certificate's identity. Throws SIGNATURE_INVALID naming the reason;
 * `where` names the signature file for the message.
 */
export async function verifySignatureBundle(
  text: string,
  signing: SigningSettings,
  where: string
): Promise<SignedManifest> {
  const parsed = parseBundle(text)
  if ('invalid' in parsed) throw invalidSignature(where, parsed.invalid)
  const { bundle } = parsed
  if (isKeylessBundle(bundle)) {
    if (signing.identity) return verifyKeylessBundle(bundle, signing, where)
    throw missingVerifier(where, true)
  }
  const key = signing.verifyKey
  if (!key) throw missingVerifier(where, false)

  const hint = bundle.verificationMaterial.publicKey?.hint
  if (hint && hint !== publicKeyHint(key)) {
    throw invalidSignature(
      where,
      'it was made with another key: its public key hint does not match ' +
        '`verify-key`'
    )
  }
  const payload = verifyEnvelope(bundle.dsseEnvelope, key)
  if (!payload) {
    throw invalidSignature(
      where,
      'its DSSE signature does not verify with `verify-key`'
    )
  }
  if (bundle.dsseEnvelope.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    throw invalidSignature(
      where,
      `its payload type is ${bundle.dsseEnvelope.payloadType}, expected ` +
        IN_TOTO_PAYLOAD_TYPE
    )
  }
  const statement = parseStatement(payload)
  if ('invalid' in statement) throw invalidSignature(where, statement.invalid)
  return statement
}

function invalidSignature(where: string, reason: string): DiagnosedError {
  return new DiagnosedError(
    diagnose(
      'SIGNATURE_INVALID',
      `The signature ${where} failed verification: ${reason}.`,
      'Check that `verify-key` is the public half of the key that signed ' +
        'the model, and that model.sig was not edited or replaced.'
    )
  )
}

/** Checks whether a bundle carries a Fulcio certificate, not a key hint. */
function isKeylessBundle(bundle: Bundle): boolean {
  const material = bundle.verificationMaterial
  return 'certificate' in material || 'x509CertificateChain' in material
}

function missingVerifier(where: string, keyless: boolean): Error {
  if (keyless) {
    return configError(
      'input `certificate-identity`',
      `the signature ${where} is a keyless signature with a certificate, ` +
        'and `certificate-identity` and `certificate-oidc-issuer` are not set',
      'Set `certificate-identity`, `certificate-oidc-issuer` and ' +
        '`sigstore-trusted-root` to the expected signer.'
    )
  }
  return configError(
    'input `verify-key`',
    `the signature ${where} was made with a key, and \`verify-key\` is ` +
      'not set',
    'Set `verify-key` to the public key of the signing key.'
  )
}
