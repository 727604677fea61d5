import { pathToFileURL } from 'node:url'

import { digestArtifactUri } from '../provenance/remote-digest.js'
import { verifyModelArtifacts } from '../provenance/verify-artifacts.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import {
  SIGNATURE_TAG,
  digestsSource,
  signModelDirectory,
  type DirectoryProvenance
} from '../provenance/registration-signing.js'
import type { ModelDirectory } from './model-directory.js'
import type { RegistrationContext } from './register.js'
import type { ResolvedSource } from './source.js'
import {
  resolveUnityCatalogSource,
  type ProxiedSource
} from './unity-catalog-source.js'
import type { UnityCatalogFiles } from './unity-catalog-version.js'

/** The create's source of a Unity Catalog version, and its files. */
export interface UnityCatalogSource {
  readonly source: ResolvedSource
  readonly files: UnityCatalogFiles
}

/**
 * Prepares a new Unity Catalog version, which stores the files itself in
 * its storage location, so nothing is uploaded into a run. As in MLflow
 * 3.17, a local model's path is recorded as the source. A `source` is
 * read from the tracking server, and with `verify-signature` its
 * signature is verified there before any write. With `digest-source` or
 * `attest`, its files are hashed there instead.
 */
export async function prepareUnityCatalogSource(
  context: RegistrationContext,
  local:
    | { directory: ModelDirectory; signed: DirectoryProvenance | undefined }
    | undefined
): Promise<UnityCatalogSource> {
  if (local) {
    const { directory, signed } = local
    return {
      source: { source: pathToFileURL(directory.root).href },
      files: { kind: 'local', directory, signatureFile: signed?.signatureFile }
    }
  }
  const { http, config, log } = context
  const proxied = await resolveConfiguredSource(context)
  if (config.signing.verifySignature) {
    const { location } = proxied
    log.info(`Verifying the signature of ${config.source ?? ''} at ${location}`)
    context.progress.modelDigest = await verifyModelArtifacts(
      http,
      location,
      config.signing,
      log
    )
  } else if (digestsSource(config)) {
    const { location } = proxied
    log.info(
      `Computing the model digest of ${config.source ?? ''} at ${location}`
    )
    context.progress.modelDigest = await digestArtifactUri(http, location, log)
  }
  return { source: proxied.create, files: { kind: 'proxied', source: proxied } }
}

/**
 * Returns the files of a version an earlier attempt created and left
 * PENDING_REGISTRATION, from the same model directory or `source`. The
 * earlier attempt may have stopped before it uploaded model.sig, so a
 * local model is signed again with `signing: key`.
 */
export async function pendingVersionFiles(
  context: RegistrationContext,
  version: ModelVersion,
  directory: ModelDirectory | undefined
): Promise<UnityCatalogFiles> {
  if (!directory) {
    return { kind: 'proxied', source: await resolveConfiguredSource(context) }
  }
  const signed = await signPendingVersion(context, version, directory)
  return { kind: 'local', directory, signatureFile: signed?.signatureFile }
}

/**
 * Signs the model directory of a pending version again with a key, which
 * leaves no trace elsewhere. Keyless signing is not repeated, because
 * each signature writes a Rekor entry: a model.sig the earlier attempt
 * uploaded stays, and without one a warning explains how to get a
 * signed version.
 */
async function signPendingVersion(
  context: RegistrationContext,
  version: ModelVersion,
  directory: ModelDirectory
): Promise<DirectoryProvenance | undefined> {
  const { config, log } = context
  const { method } = config.signing
  const versionLabel = `version ${version.version} of '${version.name}'`
  if (method === 'key') {
    log.info(`Signing the model files again to complete ${versionLabel}`)
    return signModelDirectory(directory, config, log)
  }
  if (method !== 'sigstore') return undefined
  // The earlier attempt tags the version only after model.sig is stored.
  if (version.tags.some(tag => tag.key === SIGNATURE_TAG)) {
    log.info(
      `Keeping the model.sig an earlier attempt stored for ${versionLabel}`
    )
    return undefined
  }
  log.warning(
    `Completing ${versionLabel}, which an earlier attempt left ` +
      'PENDING_REGISTRATION, without model.sig: keyless signing is not ' +
      'repeated on a re-run, because each signature writes a Rekor ' +
      'entry. To get a signed version, register again with ' +
      '`force-new-version: true`, or sign the files with ' +
      '`model_signing sign` and upload model.sig to ' +
      `${version.storage_location ?? 'its storage location'}.`,
    { title: 'Version completed unsigned' }
  )
  return undefined
}

function resolveConfiguredSource(
  context: RegistrationContext
): Promise<ProxiedSource> {
  const { http, config, log } = context
  const source = config.source ?? ''
  return resolveUnityCatalogSource(http, source, config.modelName, log)
}
