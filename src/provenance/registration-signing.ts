import type { Config, Tag } from '../config/config.js'
import type { SigningSettings } from '../config/signing-settings.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { proxyPath } from '../mlflow/artifacts.js'
import { getLoggedModel } from '../mlflow/tracking.js'
import { downloadUri } from '../release/model-file.js'
import { VERSION_URI } from '../config/verify-source.js'
import type { ModelDirectory } from '../register/model-directory.js'
import type { ResolvedSource } from '../register/source.js'
import type { GeneratedFile } from '../register/upload.js'
import {
  SIGNATURE_FILE,
  manifestFromDirectory,
  rootDigest,
  type ModelManifest
} from './model-digest.js'
import {
  signManifest,
  signManifestKeylessly,
  type IdTokenSource,
  type ModelSignature
} from './sign-model.js'
import { digestArtifactUri } from './remote-digest.js'
import { verifyModelArtifacts } from './verify-artifacts.js'
import { findVersionByUri } from './verify-version.js'

/** The version tag that records the model digest. */
export const MODEL_DIGEST_TAG = 'mlflow_register.model_digest'

/** The version tag that records where the signature file is. */
export const SIGNATURE_TAG = 'mlflow_register.signature'

/** The digest of a local model directory and, when signed, its bundle. */
export interface DirectoryProvenance {
  readonly digest: string
  /** The `model.sig` file to upload beside the model files. */
  readonly signatureFile?: GeneratedFile
}

/**
 * Computes the model digest of a local model directory from the hashes
 * taken when it was read, and signs it unless `signing` is none.
 * `idTokens` supplies the job's ID token to `signing: sigstore`.
 */
export async function signModelDirectory(
  directory: ModelDirectory,
  config: Pick<Config, 'signing'>,
  log: Logger,
  idTokens?: IdTokenSource
): Promise<DirectoryProvenance> {
  const manifest = manifestFromDirectory(directory)
  const { signing } = config
  if (signing.method === 'none') {
    return { digest: rootDigest(manifest.files) }
  }
  const signature =
    signing.method === 'sigstore'
      ? await signKeylessly(manifest, signing, log, idTokens)
      : signManifest(manifest, signing)
  log.info(
    `Signed model digest ${signature.digest} (${manifest.files.length} ` +
      `files) ${signerDescription(signing)}; ${SIGNATURE_FILE} is ` +
      'uploaded beside the model files'
  )
  return {
    digest: signature.digest,
    signatureFile: {
      relativePath: SIGNATURE_FILE,
      text: signature.bundleText
    }
  }
}

function signKeylessly(
  manifest: ModelManifest,
  signing: SigningSettings,
  log: Logger,
  idTokens: IdTokenSource | undefined
): Promise<ModelSignature> {
  if (!idTokens) {
    throw new Error('signing: sigstore needs a source of ID tokens')
  }
  log.info(
    `Signing keylessly with the job's ID token through Fulcio at ` +
      `${signing.sigstore.fulcioUrl} and Rekor at ${signing.sigstore.rekorUrl}`
  )
  return signManifestKeylessly(manifest, signing.sigstore, idTokens)
}

function signerDescription(signing: SigningSettings): string {
  return signing.method === 'sigstore'
    ? "with a Sigstore certificate for the job's ID token"
    : 'with the key of `signing-key`'
}

/** Computes the model digest of a local model directory. */
export function directoryDigest(directory: ModelDirectory): string {
  return rootDigest(manifestFromDirectory(directory).files)
}

/** Returns the tags that record a model's digest and signature file. */
export function signatureTags(
  digest: string | undefined,
  signatureUri?: string
): Tag[] {
  return [
    ...(digest ? [{ key: MODEL_DIGEST_TAG, value: digest }] : []),
    ...(signatureUri ? [{ key: SIGNATURE_TAG, value: signatureUri }] : [])
  ]
}

/**
 * Returns the model digest of a resolved `runs:/`, `models:/` or artifact
 * source. With `verify-signature` it is the digest the verified signature
 * signs. With `digest-source` or `attest` it is the digest of the files,
 * streamed down through the artifact proxy. Otherwise it is undefined.
 */
export async function sourceModelDigest(
  http: HttpClient,
  original: string,
  resolved: ResolvedSource,
  config: Pick<Config, 'signing' | 'attest'>,
  log: Logger
): Promise<string | undefined> {
  if (config.signing.verifySignature) {
    const uri = await sourceArtifactUri(http, original, resolved)
    log.info(`Verifying the signature of ${original} at ${uri}`)
    return verifyModelArtifacts(http, uri, config.signing, log)
  }
  if (!digestsSource(config)) return undefined
  const uri = await sourceArtifactUri(http, original, resolved)
  log.info(`Computing the model digest of ${original} from ${uri}`)
  return digestArtifactUri(http, uri, log)
}

/**
 * Checks whether the model digest of a `source` is computed from its
 * files: `digest-source` requests it, and so does `attest`, whose
 * subject is the model digest.
 */
export function digestsSource(
  config: Pick<Config, 'signing' | 'attest'>
): boolean {
  return config.signing.digestSource || config.attest
}

async function sourceArtifactUri(
  http: HttpClient,
  original: string,
  resolved: ResolvedSource
): Promise<string> {
  if (proxyPath(resolved.source) !== undefined) return resolved.source
  if (VERSION_URI.test(original)) {
    return downloadUri(http, await findVersionByUri(http, original))
  }
  const artifactUri = resolved.modelId
    ? (await getLoggedModel(http, resolved.modelId)).info.artifact_uri
    : undefined
  if (artifactUri) return artifactUri
  throw new DiagnosedError(
    diagnose(
      'UNSUPPORTED_FEATURE',
      `The action cannot locate the files of ${original} to verify its ` +
        'signature or compute its model digest: it reads run artifacts, ' +
        'logged models, model versions and mlflow-artifacts: URIs.',
      'Register from runs:/<run-id>/<path> or the mlflow-artifacts: URI ' +
        'of the model directory, or turn `verify-signature`, ' +
        '`digest-source` and `attest` off.'
    )
  )
}
