import type { SigningSettings } from '../config/signing-settings.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { downloadArtifactText, listProxyEntries } from '../mlflow/artifacts.js'
import { SIGNATURE_FILE } from './model-digest.js'
import { digestProxyArtifacts, proxyRoot } from './remote-digest.js'
import {
  verificationIgnorePaths,
  verifyFilesAgainstStatement
} from './verify-manifest.js'
import { verifySignatureBundle } from './verify-signature.js'

/**
 * Verifies a model stored behind the artifact proxy: its `model.sig`
 * with the configured key, then every file against the signed statement.
 * Returns the verified model digest. `artifactUri` is the model
 * directory's `mlflow-artifacts:` URI.
 */
export async function verifyModelArtifacts(
  http: HttpClient,
  artifactUri: string,
  signing: SigningSettings,
  log: Logger
): Promise<string> {
  const root = proxyRoot(artifactUri)
  const entries = await listProxyEntries(http, root)
  if (!entries.some(e => e.name === SIGNATURE_FILE && !e.isDir)) {
    throw new DiagnosedError(
      diagnose(
        'SIGNATURE_MISSING',
        `${artifactUri} has no ${SIGNATURE_FILE} beside its files, so ` +
          'there is no signature to verify.',
        'Register the model with `signing: key` (or sign it with ' +
          '`model_signing sign` before logging it), or stop verifying ' +
          'this model.'
      )
    )
  }

  const where = `${artifactUri}/${SIGNATURE_FILE}`
  const text = await downloadArtifactText(http, `${root}/${SIGNATURE_FILE}`)
  const signed = await verifySignatureBundle(text, signing, where)
  log.info(`The signature ${where} is valid; checking the files`)
  const actual = await digestProxyArtifacts(
    http,
    root,
    log,
    verificationIgnorePaths(signed)
  )
  verifyFilesAgainstStatement(signed, actual, artifactUri)
  log.info(
    `Verified ${actual.files.length} files of ${artifactUri} against ` +
      `the signed model digest ${signed.digest}`
  )
  return signed.digest
}
