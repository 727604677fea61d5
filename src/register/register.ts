import type { Config, Tag } from '../config/config.js'
import type { Logger } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import { checkTargetModel } from '../preflight/preflight.js'
import {
  compareRelease,
  enforceGates,
  type ReleaseComparison
} from '../release/release.js'
import { checkAliasGuards, confirmGuardedAliases } from './alias-guard.js'
import { createVersion, ensureRegisteredModel } from './create-version.js'
import { findVersionByKey } from './find-version.js'
import { deriveIdempotencyKey } from './idempotency.js'
import { setAliases, updateReusedVersion } from './metadata.js'
import { readModelDirectory, type ModelDirectory } from './model-directory.js'
import {
  IDEMPOTENCY_TAG,
  provenanceTags,
  type Provenance
} from './provenance.js'
import { resolveSource, type ResolvedSource } from './source.js'
import { uploadModelDirectory } from './upload.js'
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
  /** Filled in as the run goes, so a later failure can still report it. */
  readonly progress: {
    version?: ModelVersion | undefined
    comparison?: ReleaseComparison | undefined
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
  const { http, config, log } = context
  const preflight = await checkTargetModel(http, config.modelName, log)
  const directory = config.modelPath
    ? await readModelDirectory(config.modelPath)
    : undefined
  const key = registrationKey(config, context.provenance, directory)
  const tags = versionTags(context, key)

  const existing =
    preflight.model && !config.forceNewVersion
      ? await findVersionByKey(
          http,
          config.modelName,
          key,
          log,
          preflight.model
        )
      : undefined
  if (existing) {
    log.info(
      `Version ${existing.version} of '${config.modelName}' was already ` +
        'registered by this run (same idempotency key); reusing it.'
    )
    context.progress.version = existing
    // The provenance tags stay those of the attempt that created it.
    await updateReusedVersion(
      http,
      existing,
      config.tags,
      config.description,
      log
    )
  }

  const version =
    existing ??
    (await createNewVersion(context, directory, tags, key, !!preflight.model))
  context.progress.version = version
  const ready = await waitUntilReady(http, version, config.waitTimeoutMs, log)
  await compareBeforeAliases(context, ready)
  await checkAliasGuards(http, ready, config.aliasGuards, log)
  await setAliases(http, ready, config.aliases, log)
  await confirmGuardedAliases(http, ready, config.aliasGuards, log)
  return {
    outcome: existing ? 'reused' : 'registered',
    version: ready,
    idempotencyKey: key
  }
}

/**
 * Compares the new version with the one the first alias points to now,
 * and stops before any alias moves when a metric gate fails.
 */
async function compareBeforeAliases(
  context: RegistrationContext,
  version: ModelVersion
): Promise<void> {
  const { http, config, log } = context
  const alias = config.aliases[0]
  if (alias === undefined) return
  const comparison = await compareRelease(
    http,
    version,
    alias,
    config.metricGates,
    log
  )
  context.progress.comparison = comparison
  enforceGates(comparison)
}

async function createNewVersion(
  context: RegistrationContext,
  directory: ModelDirectory | undefined,
  tags: readonly Tag[],
  idempotencyKey: string,
  modelExists: boolean
): Promise<ModelVersion> {
  const { http, config, log } = context
  const source = await prepareSource(context, directory, tags)
  // The preflight already read the registered model, so a create would
  // only return MLflow's "already exists" error.
  if (!modelExists) await ensureRegisteredModel(http, config.modelName, log)
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
  return version
}

async function prepareSource(
  context: RegistrationContext,
  directory: ModelDirectory | undefined,
  tags: readonly Tag[]
): Promise<ResolvedSource> {
  const { http, config, log } = context
  if (!directory) return resolveSource(http, config.source ?? '', log)
  return uploadModelDirectory(
    http,
    directory,
    {
      experimentName: config.experimentName,
      artifactPath: config.artifactPath,
      runName: `register-${config.modelName}`,
      runTags: tags.filter(tag => tag.key !== IDEMPOTENCY_TAG)
    },
    log
  )
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
