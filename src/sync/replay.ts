import type { Config } from '../config/config.js'
import { parseAliasGuards } from '../config/alias-guards.js'
import { parseMetricGates } from '../config/metric-gates.js'
import { isThreePartName } from '../config/registry-choice.js'
import type { RegistryTarget } from '../config/registry-uri.js'
import { resolveInside } from '../bundle/bundle-paths.js'
import { DiagnosedError, diagnose } from '../diagnosis/diagnosis.js'
import type { VerifiedBundle } from '../bundle/read-bundle.js'
import type { Logger } from '../host/host.js'
import { createUnityCatalogClient } from '../http/registry-client.js'
import type { HttpClient } from '../http/transport.js'
import type { Provenance } from '../register/provenance.js'
import { registerModel, type Registration } from '../register/register.js'

/** The sync run's HTTP client, configuration and logger. */
export interface ReplayContext {
  readonly http: HttpClient
  readonly config: Config
  readonly log: Logger
}

/**
 * Registers a verified bundle through the normal registration, with the
 * bundle's model, metadata, idempotency key and CI provenance, so the
 * version gets the tags a direct registration would have given it. The
 * key makes the replay adopt a version that an earlier attempt (the
 * failed run itself, or an earlier sync) already created.
 */
export function replayBundle(
  bundle: VerifiedBundle,
  context: ReplayContext
): Promise<Registration> {
  const { registration, provenance } = bundle.manifest
  const base = context.config
  requireSameSigning(bundle, base)
  const registry = replayRegistry(base, registration.modelName)
  const config: Config = {
    mode: 'register',
    trackingUri: base.trackingUri,
    // A replay is signed and verified as the sync run is configured,
    // because the deferred run's keys are not in the bundle. A bundle
    // that requested signing replays only in a sync that signs alike.
    signing: registration.modelDirectory
      ? { ...base.signing, verifySignature: false }
      : { ...base.signing, method: 'none' },
    registry,
    ...(base.storageEndpoints
      ? { storageEndpoints: base.storageEndpoints }
      : {}),
    modelName: registration.modelName,
    ...(registration.modelDirectory
      ? { modelPath: resolveInside(bundle.path, registration.modelDirectory) }
      : { source: registration.source ?? '' }),
    artifactPath: registration.artifactPath,
    experimentName: registration.experimentName,
    ...(registration.description === undefined
      ? {}
      : { description: registration.description }),
    tags: registration.tags,
    aliases: registration.aliases,
    // The gates are parsed again, so a replay moves no alias that the
    // deferred run's gates would have kept.
    metricGates: parseMetricGates(
      registration.metricGates.length > 0
        ? { value: registration.metricGates.join('\n'), origin: 'input' }
        : undefined,
      registration.aliases
    ),
    // A replay moves an alias only if it still points where the deferred
    // run expected it to.
    aliasGuards: parseAliasGuards(
      registration.aliasGuards.length > 0
        ? { value: registration.aliasGuards.join('\n'), origin: 'input' }
        : undefined,
      registration.aliases
    ),
    tls: base.tls,
    extraHeaders: base.extraHeaders,
    proxy: base.proxy,
    auth: base.auth,
    idempotencyKey: registration.idempotencyKey,
    forceNewVersion: false,
    dryRun: false,
    // NOTE: a replayed registration is not attested. An attestation names
    // the workflow run that signs it, and sync runs in another run than
    // the one that built the model.
    attest: false,
    waitTimeoutMs: base.waitTimeoutMs,
    requestTimeoutMs: base.requestTimeoutMs,
    maxAttempts: base.maxAttempts,
    retryMaxTimeMs: base.retryMaxTimeMs,
    retryInitialDelayMs: base.retryInitialDelayMs,
    bundle: base.bundle,
    registryDir: base.registryDir,
    origins: base.origins
  }
  return registerModel({
    http: replayClient(context.http, registry),
    config,
    provenance: provenance as Provenance,
    log: context.log,
    progress: {}
  })
}

/**
 * Returns the registry of a replayed model. Without `registry-uri`, a
 * three-part name on Databricks goes to Unity Catalog, as it would have
 * in the deferred run.
 */
export function replayRegistry(
  base: Config,
  modelName: string
): RegistryTarget {
  const { registry } = base
  if (registry.kind !== 'tracking' || registry.explicit) return registry
  if (base.auth.databricks && isThreePartName(modelName)) {
    return { kind: 'unity-catalog' }
  }
  return registry
}

/**
 * Returns the client of a replay: the sync run's own, or, for a bundle
 * that goes to Unity Catalog while the sync run's registry calls go to
 * the workspace registry, one that sends them to Unity Catalog. That
 * client has a request history of its own, and the sync run's client has
 * no registry client then, because its registry is the tracking server.
 */
export function replayClient(
  http: HttpClient,
  registry: RegistryTarget
): HttpClient {
  if (registry.kind !== 'unity-catalog' || http.isUnityCatalog) return http
  return createUnityCatalogClient(http.options)
}

/**
 * Stops the replay of a bundle whose registration asked for a signature
 * when this sync run would not sign the same way, so the version is
 * never registered unsigned. The bundle stays pending.
 */
function requireSameSigning(bundle: VerifiedBundle, base: Config): void {
  const requested = bundle.manifest.registration.signing
  if (requested === undefined || base.signing.method === requested) return
  throw new DiagnosedError(
    diagnose(
      'CLIENT_CONFIG',
      `Bundle ${bundle.manifest.bundleId} contains a registration that ` +
        `requested \`signing: ${requested}\`, but this sync has ` +
        `\`signing: ${base.signing.method}\`, so it would register the ` +
        'version unsigned. The bundle stays pending.',
      `Run the sync with \`signing: ${requested}\` and the same signing ` +
        'inputs as the registration (the signing key is never stored in ' +
        'a bundle).',
      {},
      'The sync does not sign as the registration requested'
    )
  )
}
