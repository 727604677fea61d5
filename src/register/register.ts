import { afterIo } from '../async/after-io.js'
import type { Config, Tag } from '../config/config.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import type { ModelVersion, RegisteredModel } from '../mlflow/schemas.js'
import {
  checkTargetModel,
  recordWriteProven,
  type PreflightReport
} from '../preflight/preflight.js'
import { SIGNATURE_FILE } from '../provenance/model-digest.js'
import type { IdTokenSource } from '../provenance/sign-model.js'
import {
  directoryDigest,
  signModelDirectory,
  signatureTags,
  sourceModelDigest,
  type DirectoryProvenance
} from '../provenance/registration-signing.js'
import {
  compareRelease,
  enforceGates,
  type KnownFacts,
  type ReleaseComparison
} from '../release/release.js'
import { checkAliasGuards, confirmGuardedAliases } from './alias-guard.js'
import { createVersion, ensureRegisteredModel } from './create-version.js'
import { findVersionByKey } from './find-version.js'
import { deriveIdempotencyKey } from './idempotency.js'
import { setAliases, updateReusedVersion } from './metadata.js'
import {
  KEPT_BYTES_LIMIT,
  readModelDirectory,
  type ModelDirectory
} from './model-directory.js'
import {
  IDEMPOTENCY_TAG,
  provenanceTags,
  type Provenance
} from './provenance.js'
import { checkModelSignature } from './model-signature.js'
import { sourceForRegistry } from './registry-source.js'
import {
  listSourceEarly,
  resolveSource,
  type EarlyListing,
  type ResolvedSource
} from './source.js'
import { uploadKey, uploadModelDirectory } from './upload.js'
import { DEFAULT_ENDPOINTS } from '../storage/endpoints.js'
import {
  pendingVersionFiles,
  prepareUnityCatalogSource
} from './unity-catalog-files.js'
import {
  completeUnityCatalogVersion,
  type UnityCatalogFiles
} from './unity-catalog-version.js'
import { waitUntilReady } from './wait-ready.js'

/** The end state of a registration that succeeded. */
export interface Registration {
  readonly outcome: 'registered' | 'reused'
  readonly version: ModelVersion
  readonly idempotencyKey: string
}

/** What a registration runs with. */
export interface RegistrationContext {
  readonly http: HttpClient
  readonly config: Config
  readonly provenance: Provenance
  readonly log: Logger
  /** The job's ID tokens, for `signing: sigstore`. */
  readonly idTokens?: IdTokenSource
  /** Filled in as the run goes, so a later failure can still report it. */
  readonly progress: {
    version?: ModelVersion | undefined
    comparison?: ReleaseComparison | undefined
    /** The model digest of a local model, or of a verified source. */
    modelDigest?: string | undefined
    /** The preflight's passed and unverified checks, for the summary. */
    preflight?: PreflightReport | undefined
  }
}

/**
 * Registers the model version: preflight, then the existing version with
 * this run's idempotency key if there is one, else upload (for a local
 * directory), registered model and version creation; then wait for READY,
 * tags, description, the alias guards and aliases.
 */
export async function registerModel(
  context: RegistrationContext
): Promise<Registration> {
  const { http, config } = context
  // A `runs:/` source is listed while the preflight is in flight, which
  // saves a round trip for every new version. Only a reused version, or a
  // failed preflight, leaves the listing unused.
  const early =
    http.isUnityCatalog || config.modelPath
      ? undefined
      : listSourceEarly(http, config.source ?? '')
  try {
    return await registerVersion(context, early)
  } finally {
    early?.cancel()
  }
}

async function registerVersion(
  context: RegistrationContext,
  early: EarlyListing | undefined
): Promise<Registration> {
  const { http, config, log } = context
  if (http.isUnityCatalog && config.modelPath) {
    await checkModelSignature(config.modelPath, config.modelName)
  }
  // The directory is hashed while the preflight's request is in flight.
  // A read error still surfaces after the preflight's result. Small files
  // keep their bytes for the artifact proxy's upload; an upload to Unity
  // Catalog storage reads them from disk.
  const reading = config.modelPath
    ? readModelDirectory(
        config.modelPath,
        http.isUnityCatalog ? 0 : KEPT_BYTES_LIMIT
      )
    : undefined
  reading?.catch(() => undefined)
  const checking = checkTargetModel(http, config.modelName, log)
  // The key of a registration from a source needs no reply, so it is
  // derived while the preflight's requests are in flight. Its hash loads
  // node:crypto, which takes about 5 ms.
  const keying = reading
    ? undefined
    : afterIo(() => registrationKey(config, context.provenance, undefined))
  keying?.catch(() => undefined)
  const preflight = await checking
  context.progress.preflight = preflight
  const directory = await reading
  const digest = directory && directoryDigest(directory)
  context.progress.modelDigest = digest
  const key =
    (await keying) ?? registrationKey(config, context.provenance, directory)
  const tags = [...versionTags(context, key), ...signatureTags(digest)]

  const seen = new Map<string, ModelVersion>()
  const existing =
    preflight.model && !config.forceNewVersion
      ? await findVersionByKey(
          http,
          config.modelName,
          key,
          log,
          preflight.model,
          seen
        )
      : undefined
  const obtained = existing
    ? await reuseVersion(context, existing)
    : await createNewVersion(
        context,
        directory && (await signDirectory(context, directory)),
        tags,
        key,
        {
          modelExists: !!preflight.model,
          readFacts: comparisonNeedsFacts(config, preflight.model),
          early
        }
      )
  if (!existing) {
    context.progress.preflight = recordWriteProven(preflight, config.modelName)
  }
  const version = await completeVersion(context, obtained, directory)
  context.progress.version = version
  const ready = await waitUntilReady(http, version, config.waitTimeoutMs, log)
  // The guards run first, so a conflict stops before the comparison
  // logs that the new version replaces the old one.
  await checkAliasGuards(http, ready, config.aliasGuards, log)
  await compareBeforeAliases(context, ready, {
    aliases: obtained.createdModel ? [] : preflight.model?.aliases,
    sourceReads: obtained.source?.reads,
    versions: seen
  })
  await setAliases(http, ready, config.aliases, log)
  await confirmGuardedAliases(http, ready, config.aliasGuards, log)
  return {
    outcome: existing ? 'reused' : 'registered',
    version: ready,
    idempotencyKey: key
  }
}

/**
 * Signs the model directory of a new version. A reused version is not
 * signed again, because keyless signing writes a Rekor entry each time.
 */
async function signDirectory(
  context: RegistrationContext,
  directory: ModelDirectory
): Promise<LocalModel> {
  const { config, log, idTokens } = context
  const signed = await signModelDirectory(directory, config, log, idTokens)
  return { directory, signed }
}

async function reuseVersion(
  context: RegistrationContext,
  existing: ModelVersion
): Promise<ObtainedVersion> {
  const { http, config, log } = context
  log.info(
    `Version ${existing.version} of '${config.modelName}' was already ` +
      'registered by this run (same idempotency key); reusing it.'
  )
  // Set now, so a refused tag update still reports the version.
  context.progress.version = existing
  // The provenance tags stay those of the attempt that created it.
  await updateReusedVersion(
    http,
    existing,
    config.tags,
    config.description,
    log
  )
  return { version: existing, createdModel: false }
}

/**
 * Compares the new version with the one the first alias points to now,
 * and stops before any alias moves when a metric gate fails.
 */
async function compareBeforeAliases(
  context: RegistrationContext,
  version: ModelVersion,
  known: KnownFacts
): Promise<void> {
  const { http, config, log } = context
  const alias = config.aliases[0]
  if (alias === undefined) return
  const comparison = await compareRelease(
    http,
    version,
    alias,
    config.metricGates,
    log,
    known
  )
  context.progress.comparison = comparison
  enforceGates(comparison)
}

/**
 * Uploads and finalizes a Unity Catalog version that is still pending;
 * other registries create versions from files already in place.
 */
async function completeVersion(
  context: RegistrationContext,
  obtained: ObtainedVersion,
  directory: ModelDirectory | undefined
): Promise<ModelVersion> {
  const { http, config, log } = context
  const { version } = obtained
  if (!http.isUnityCatalog) return version
  if (version.status !== 'PENDING_REGISTRATION') return version
  const files =
    obtained.files ?? (await pendingVersionFiles(context, version, directory))
  return completeUnityCatalogVersion(
    http,
    version,
    files,
    config.storageEndpoints ?? DEFAULT_ENDPOINTS,
    log
  )
}

/** A local model directory with its digest and signature. */
interface LocalModel {
  readonly directory: ModelDirectory
  readonly signed: DirectoryProvenance | undefined
}

/** The version to finish: reused, or created with its resolved source. */
interface ObtainedVersion {
  readonly version: ModelVersion
  readonly source?: ResolvedSource
  /** The files of a new Unity Catalog version, still to be uploaded. */
  readonly files?: UnityCatalogFiles
  /** This run created the registered model. */
  readonly createdModel: boolean
}

/** The registered model a new version goes into. */
interface NewVersionTarget {
  /** Whether the preflight found the registered model. */
  readonly modelExists: boolean
  /** Whether the release comparison needs the source's run and MLmodel. */
  readonly readFacts: boolean
  /** The source's listing, sent alongside the preflight. */
  readonly early: EarlyListing | undefined
}

/**
 * Tells whether the release comparison will need the new version's run
 * and MLmodel file: for a metric gate, or to compare with the version
 * that the first alias points to. A first release without a gate
 * compares nothing, so its source is only checked.
 */
function comparisonNeedsFacts(
  config: Pick<Config, 'aliases' | 'metricGates'>,
  model: RegisteredModel | undefined
): boolean {
  const alias = config.aliases[0]
  if (alias === undefined) return false
  if (config.metricGates.length > 0) return true
  return model?.aliases.some(entry => entry.alias === alias) ?? false
}

async function createNewVersion(
  context: RegistrationContext,
  local: LocalModel | undefined,
  runTags: readonly Tag[],
  idempotencyKey: string,
  target: NewVersionTarget
): Promise<ObtainedVersion> {
  const { http, config, log } = context
  const { modelExists } = target
  const prepared: { source: ResolvedSource; files?: UnityCatalogFiles } =
    http.isUnityCatalog
      ? await prepareUnityCatalogSource(context, local)
      : { source: await prepareSource(context, local, runTags, target) }
  const { source } = prepared
  // The run tags hold a local model's digest already. A verified
  // source's digest and the signature's location are known only now;
  // in Unity Catalog the signature's location is tagged after upload.
  const signatureUri = http.isUnityCatalog
    ? undefined
    : local?.signed?.signatureFile && `${source.source}/${SIGNATURE_FILE}`
  const tags = [
    ...runTags,
    ...signatureTags(
      local ? undefined : context.progress.modelDigest,
      signatureUri
    )
  ]
  // The preflight already read the registered model, so a create would
  // only return MLflow's "already exists" error.
  const createdModel = modelExists
    ? false
    : await ensureRegisteredModel(http, config.modelName, log)
  const version = await createVersion(
    http,
    {
      modelName: config.modelName,
      source,
      ...(config.description ? { description: config.description } : {}),
      tags,
      idempotencyKey
    },
    log
  )
  log.info(
    `Created version ${version.version} of '${config.modelName}' from ` +
      source.source
  )
  return {
    version,
    source,
    createdModel,
    ...(prepared.files ? { files: prepared.files } : {})
  }
}

async function prepareSource(
  context: RegistrationContext,
  local: LocalModel | undefined,
  tags: readonly Tag[],
  target: NewVersionTarget
): Promise<ResolvedSource> {
  const { http, config, log } = context
  if (!local) return resolveRemoteSource(context, target)
  const signatureFile = local.signed?.signatureFile
  // A forced new version gets a run of its own, because resuming the
  // earlier attempt's run would give it the source of the version it
  // replaces.
  // NOTE: the sync of a deferred forced registration does not resume the
  // run that the deferred attempt created, so that run stays unused.
  const key = config.forceNewVersion
    ? undefined
    : tags.find(tag => tag.key === IDEMPOTENCY_TAG)?.value
  const scope = {
    modelName: config.modelName,
    experimentName: config.experimentName
  }
  const uploaded = await uploadModelDirectory(
    http,
    local.directory,
    {
      experimentName: config.experimentName,
      artifactPath: config.artifactPath,
      runName: `register-${config.modelName}`,
      runTags: tags.filter(tag => tag.key !== IDEMPOTENCY_TAG),
      ...(signatureFile ? { extraFiles: [signatureFile] } : {}),
      ...(key ? { uploadKey: uploadKey(key, scope, local.directory) } : {})
    },
    log
  )
  return sourceForRegistry(
    uploaded,
    config.registry,
    `runs:/${uploaded.runId ?? ''}/${config.artifactPath}`
  )
}

/**
 * Resolves a `source` and, with `verify-signature`, verifies its files
 * against their signature before any version points at them; with
 * `digest-source` or `attest`, computes their model digest.
 */
async function resolveRemoteSource(
  context: RegistrationContext,
  target: NewVersionTarget
): Promise<ResolvedSource> {
  const { http, config, log } = context
  const original = config.source ?? ''
  const { readFacts, early } = target
  const resolved = await resolveSource(http, original, log, readFacts, early)
  context.progress.modelDigest = await sourceModelDigest(
    http,
    original,
    resolved,
    config,
    log
  )
  return sourceForRegistry(resolved, config.registry, original)
}

/**
 * Returns the idempotency key of a registration: the `idempotency-key`
 * input, else a hash of the CI run, the model name and what is registered.
 */
export function registrationKey(
  config: Pick<Config, 'idempotencyKey' | 'modelName' | 'source'>,
  provenance: Provenance,
  directory: ModelDirectory | undefined
): string {
  if (config.idempotencyKey) return config.idempotencyKey
  return deriveIdempotencyKey(
    provenance,
    config.modelName,
    directory
      ? { contentDigest: directory.contentDigest }
      : { source: config.source ?? '' }
  )
}

/** Builds the tags of a new version: provenance, user tags, the key. */
export function versionTags(context: RegistrationContext, key: string): Tag[] {
  const tags = new Map<string, string>()
  for (const tag of provenanceTags(context.provenance))
    tags.set(tag.key, tag.value)
  for (const tag of context.config.tags) tags.set(tag.key, tag.value)
  tags.set(IDEMPOTENCY_TAG, key)
  return [...tags].map(([tagKey, value]) => ({ key: tagKey, value }))
}
