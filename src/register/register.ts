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
import { newCreateRequestTag } from './read-back-create.js'
import { findVersionByKey } from './find-version.js'
import { deriveIdempotencyKey } from './idempotency.js'
import { setAliases, updateReusedVersion } from './metadata.js'
import {
  KEPT_BYTES_LIMIT,
  listModelDirectory,
  readModelDirectory,
  type ListedModelDirectory,
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
import { checkProxyFileNames } from './proxy-file-names.js'

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
    ? readLocalModel(config, http.isUnityCatalog)
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
  const read = await reading
  // A directory whose large files are hashed during the upload gets its
  // key and digest only then. It always makes a new version.
  const identity =
    read && !isHashed(read) ? undefined : identify(context, read, await keying)

  const seen = new Map<string, ModelVersion>()
  const existing =
    identity && preflight.model && !config.forceNewVersion
      ? await findVersionByKey(
          http,
          config.modelName,
          identity.key,
          log,
          preflight.model,
          seen
        )
      : undefined
  const obtained = existing
    ? await reuseVersion(context, existing, knownIdentity(identity))
    : await createNewVersion(
        context,
        read && (await signDirectory(context, read)),
        identity,
        {
          modelExists: !!preflight.model,
          readFacts: comparisonNeedsFacts(config, preflight.model),
          early
        }
      )
  if (!existing) {
    context.progress.preflight = recordWriteProven(preflight, config.modelName)
  }
  const version = await completeVersion(context, obtained, read)
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
    idempotencyKey: obtained.key
  }
}

/**
 * Reads a local model directory for its registration. With
 * `force-new-version` and no signature, outside Unity Catalog (whose
 * upload reads the files again), nothing needs the digest before the
 * upload. The upload then hashes the files over 64 KiB as it sends them,
 * and each is read once, or twice with SigV4, whose signature covers the
 * body. For a file of 1 GiB that saves the 0.9 s that hashing it takes
 * first.
 */
async function readLocalModel(
  config: Config,
  unityCatalog: boolean
): Promise<ModelDirectory | ListedModelDirectory> {
  const root = config.modelPath ?? ''
  const read = hashesDuringUpload(config, unityCatalog)
    ? await listModelDirectory(root, KEPT_BYTES_LIMIT)
    : await readModelDirectory(root, unityCatalog ? 0 : KEPT_BYTES_LIMIT)
  if (!unityCatalog) checkProxyFileNames(read.files)
  return read
}

/**
 * Checks whether the upload of a local model hashes its large files as it
 * sends them, so that its run gets the model digest tag only after them.
 */
export function hashesDuringUpload(
  config: Pick<Config, 'forceNewVersion' | 'signing'>,
  unityCatalog: boolean
): boolean {
  return (
    !unityCatalog && config.forceNewVersion && config.signing.method === 'none'
  )
}

function isHashed(
  directory: ModelDirectory | ListedModelDirectory
): directory is ModelDirectory {
  return 'contentDigest' in directory
}

/** The idempotency key of a registration and its version's tags. */
interface Identity {
  readonly key: string
  readonly tags: readonly Tag[]
}

/**
 * Returns the key and tags of a registration, and records the model
 * digest of a local model. `sourceKey` is a source's key, derived before.
 */
function identify(
  context: RegistrationContext,
  directory: ModelDirectory | undefined,
  sourceKey?: string
): Identity {
  const digest = directory && directoryDigest(directory)
  context.progress.modelDigest = digest
  const key =
    sourceKey ?? registrationKey(context.config, context.provenance, directory)
  return { key, tags: [...versionTags(context, key), ...signatureTags(digest)] }
}

/**
 * Signs the model directory of a new version. A reused version is not
 * signed again, because keyless signing writes a Rekor entry each time.
 */
async function signDirectory(
  context: RegistrationContext,
  directory: ModelDirectory | ListedModelDirectory
): Promise<LocalModel> {
  if (!isHashed(directory)) return { directory, signed: undefined }
  const { config, log, idTokens } = context
  const signed = await signModelDirectory(directory, config, log, idTokens)
  return { directory, signed }
}

async function reuseVersion(
  context: RegistrationContext,
  existing: ModelVersion,
  identity: Identity
): Promise<ObtainedVersion> {
  const { http, config, log } = context
  log.info(
    `Version ${existing.version} of '${config.modelName}' was already ` +
      `registered ${reuseReason(context)}; reusing it.`
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
  return { version: existing, createdModel: false, key: identity.key }
}

/** Says what an earlier registration with the same key had in common. */
function reuseReason(context: RegistrationContext): string {
  const { config, provenance } = context
  if (config.idempotencyKey) {
    return `with idempotency key ${config.idempotencyKey}`
  }
  if (provenance.runId) return 'by this CI run (same idempotency key)'
  return (
    'from the same model outside CI (same idempotency key, which ' +
    'outside CI depends only on the model name and its content or source)'
  )
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
  directory: ModelDirectory | ListedModelDirectory | undefined
): Promise<ModelVersion> {
  const { http, config, log } = context
  const { version } = obtained
  if (!http.isUnityCatalog) return version
  if (version.status !== 'PENDING_REGISTRATION') return version
  // A Unity Catalog model is read with every file hashed.
  const hashed = directory && isHashed(directory) ? directory : undefined
  const files =
    obtained.files ?? (await pendingVersionFiles(context, version, hashed))
  return completeUnityCatalogVersion(
    http,
    version,
    files,
    config.storageEndpoints ?? DEFAULT_ENDPOINTS,
    log
  )
}

/**
 * A local model directory with its signature, if signed. Its large files
 * may still be unhashed, for the upload to hash.
 */
interface LocalModel {
  readonly directory: ModelDirectory | ListedModelDirectory
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
  /** The registration's idempotency key. */
  readonly key: string
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
  identity: Identity | undefined,
  target: NewVersionTarget
): Promise<ObtainedVersion> {
  const { http, config, log } = context
  const { modelExists } = target
  const prepared: PreparedSource = http.isUnityCatalog
    ? {
        ...(await prepareUnityCatalogSource(context, hashedOnly(local))),
        identity: knownIdentity(identity)
      }
    : await prepareSource(context, local, identity, target)
  const { source } = prepared
  // The identity's tags contain a local model's digest already. A verified
  // source's digest and the signature's location are known only now;
  // in Unity Catalog the signature's location is tagged after upload.
  const signatureUri = http.isUnityCatalog
    ? undefined
    : local?.signed?.signatureFile && `${source.source}/${SIGNATURE_FILE}`
  const tags = [
    ...prepared.identity.tags,
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
      idempotencyKey: prepared.identity.key,
      // A forced version shares its key with the version it follows.
      ...(config.forceNewVersion ? { requestTag: newCreateRequestTag() } : {})
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
    key: prepared.identity.key,
    ...(prepared.files ? { files: prepared.files } : {})
  }
}

/** The source of a new version, and the registration's identity. */
interface PreparedSource {
  readonly source: ResolvedSource
  readonly identity: Identity
  /** The files of a new Unity Catalog version, still to be uploaded. */
  readonly files?: UnityCatalogFiles
}

/**
 * Returns the identity of a registration that has it before its source
 * is prepared: every one but a local model hashed during its upload.
 */
function knownIdentity(identity: Identity | undefined): Identity {
  if (!identity) throw new Error('the registration has no key yet')
  return identity
}

/** A local model with every file hashed, as Unity Catalog's is read. */
interface HashedLocalModel extends LocalModel {
  readonly directory: ModelDirectory
}

function hashedOnly(
  local: LocalModel | undefined
): HashedLocalModel | undefined {
  if (!local) return undefined
  const { directory, signed } = local
  if (!isHashed(directory)) {
    throw new Error('a Unity Catalog model is hashed before its upload')
  }
  return { directory, signed }
}

/**
 * Uploads a local model into a run, or resolves a remote source. A local
 * model hashed during its upload gets its identity, and its run the
 * model digest tag, once the upload is done.
 */
async function prepareSource(
  context: RegistrationContext,
  local: LocalModel | undefined,
  identity: Identity | undefined,
  target: NewVersionTarget
): Promise<PreparedSource> {
  const { http, config, log } = context
  if (!local) {
    const source = await resolveRemoteSource(context, target)
    return { source, identity: knownIdentity(identity) }
  }
  const { directory, signed } = local
  const signatureFile = signed?.signatureFile
  // A forced new version gets a run of its own, because resuming the
  // earlier attempt's run would give it the source of the version it
  // replaces.
  // NOTE: the sync of a deferred forced registration does not resume the
  // run that the deferred attempt created, so that run stays unused.
  const key = config.forceNewVersion ? undefined : identity?.key
  const scope = {
    modelName: config.modelName,
    experimentName: config.experimentName
  }
  const uploaded = await uploadModelDirectory(
    http,
    directory,
    {
      experimentName: config.experimentName,
      artifactPath: config.artifactPath,
      runName: `register-${config.modelName}`,
      runTags: identity
        ? identity.tags.filter(tag => tag.key !== IDEMPOTENCY_TAG)
        : describingTags(context),
      ...(identity
        ? {}
        : { digestTags: done => signatureTags(directoryDigest(done)) }),
      ...(signatureFile ? { extraFiles: [signatureFile] } : {}),
      ...(key && isHashed(directory)
        ? { uploadKey: uploadKey(key, scope, directory) }
        : {})
    },
    log
  )
  const { runId } = uploaded.source
  return {
    source: sourceForRegistry(
      uploaded.source,
      config.registry,
      `runs:/${runId ?? ''}/${config.artifactPath}`
    ),
    identity: identity ?? identify(context, uploaded.directory)
  }
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
  const tags = describingTags(context)
  return [
    ...tags.filter(tag => tag.key !== IDEMPOTENCY_TAG),
    { key: IDEMPOTENCY_TAG, value: key }
  ]
}

/**
 * Returns the provenance tags and the user's tags, which replace
 * provenance tags of the same key.
 */
function describingTags(context: RegistrationContext): Tag[] {
  const tags = new Map<string, string>()
  for (const tag of provenanceTags(context.provenance)) {
    tags.set(tag.key, tag.value)
  }
  for (const tag of context.config.tags) tags.set(tag.key, tag.value)
  return [...tags].map(([key, value]) => ({ key, value }))
}
