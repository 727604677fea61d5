import { pathToFileURL } from 'node:url'

import { digestArtifactUri } from '../provenance/remote-digest.js'
import { verifyModelArtifacts } from '../provenance/verify-artifacts.js'
import {
  digestsSource,
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
 * PENDING_REGISTRATION, from the same model directory or `source`.
 */
export async function pendingVersionFiles(
  context: RegistrationContext,
  directory: ModelDirectory | undefined
): Promise<UnityCatalogFiles> {
  // NOTE: a reused version is not signed again, so the re-run that
  // completes it uploads no model.sig.
  if (directory) return { kind: 'local', directory }
  return { kind: 'proxied', source: await resolveConfiguredSource(context) }
}

function resolveConfiguredSource(
  context: RegistrationContext
): Promise<ProxiedSource> {
  const { http, config, log } = context
  const source = config.source ?? ''
  return resolveUnityCatalogSource(http, source, config.modelName, log)
}
