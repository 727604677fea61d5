import type { SigningSettings } from '../config/signing-settings.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import { verifyEnvelope } from './dsse.js'
import { parseBundle, publicKeyHint } from './key-bundle.js'
import { keylessUnsupported } from './sign-model.js'
import {
  IN_TOTO_PAYLOAD_TYPE,
  parseStatement,
  type SignedManifest
} from './statement.js'

/**
 * Verifies a `model.sig` bundle with the configured public key and
 * returns the signed statement's manifest. Throws SIGNATURE_INVALID
 * naming the reason; `where` names the signature file for the message.
 */
export function verifySignatureBundle(
  text: string,
  signing: SigningSettings,
  where: string
): SignedManifest {
  const parsed = parseBundle(text)
  if ('invalid' in parsed) throw invalidSignature(where, parsed.invalid)
  const { bundle } = parsed
  const key = signing.verifyKey
  if (!key) throw keylessUnsupported('verification')

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
