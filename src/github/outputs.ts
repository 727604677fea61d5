import type { AuthResolution } from '../auth/resolve-auth.js'
import type { Config } from '../config/config.js'
import type { OfflineConfig } from '../config/offline-settings.js'
import type { InputName, OutputName } from '../config/inputs.js'
import type { Diagnosis } from '../diagnosis/diagnosis.js'
import type { Host } from '../host/host.js'
import { describeUrl, encodeComponentStrict } from '../http/url.js'
import type { ModelVersion } from '../mlflow/schemas.js'
import type { PreflightReport } from '../preflight/preflight.js'
import type { ReleaseComparison } from '../release/release.js'
import type { RegistrationPlan } from '../register/plan-registration.js'
import type { SyncReport } from '../sync/sync.js'
import type { RunSummary } from './summary.js'

/** Everything one run found out, filled in as it goes. */
export interface RunResult {
  outcome:
    | 'registered'
    | 'reused'
    | 'checked'
    | 'deferred'
    | 'registered-locally'
    | 'synced'
    | 'dry-run'
    | 'verified'
    | 'failed'
  config?: Config
  /** The configuration of an offline registration, instead of `config`. */
  offline?: OfflineConfig
  /** The version written into (or reused from) the local registry. */
  local?: { version: string; path: string }
  auth?: AuthResolution
  preflight?: PreflightReport
  version?: ModelVersion
  comparison?: ReleaseComparison
  diagnosis?: Diagnosis
  /** The registry bundle written when the registration was deferred. */
  bundle?: { path: string; artifact?: string; cacheKey?: string }
  sync?: SyncReport
  /** The writes a dry run found a real run would send. */
  plan?: RegistrationPlan
  /** The redacted preflight report file, in preflight mode. */
  reportPath?: string
  /** The model's build provenance attestation, when `attest` is true. */
  attestation?: { id: string; url: string }
  /** The model digest of the OpenSSF model signing format, once hashed. */
  modelDigest?: string
}

/** The link to a version's page in the MLflow UI. */
export function modelVersionUrl(
  trackingUri: URL,
  version: ModelVersion
): string {
  const base = describeUrl(trackingUri).replace(/\/+$/, '')
  // Parentheses are encoded too, because a `)` would end the link in the
  // job summary's Markdown.
  const name = encodeComponentStrict(version.name)
  return `${base}/#/models/${name}/versions/${version.version}`
}

/** Returns the URL of the server whose UI shows the registry. */
function registryUrl(config: Config): URL {
  const { registry } = config
  if (registry.kind === 'server') return registry.url
  if (registry.kind === 'unity-catalog' || registry.kind === 'workspace') {
    return registry.workspace?.host ?? config.trackingUri
  }
  return config.trackingUri
}

/** Returns the action's outputs for a result; unknown values are empty. */
export function collectOutputs(result: RunResult): Record<OutputName, string> {
  const { config, version } = result
  const modelName = config?.modelName ?? result.offline?.modelName
  return {
    outcome: result.outcome,
    'model-name': version?.name ?? modelName ?? '',
    'model-version': version?.version ?? result.local?.version ?? '',
    'model-uri': version ? `models:/${version.name}/${version.version}` : '',
    'model-url':
      version && config ? modelVersionUrl(registryUrl(config), version) : '',
    'auth-mode': result.auth?.provider.mode ?? '',
    comparison: result.comparison ? JSON.stringify(result.comparison) : '',
    diagnosis: result.diagnosis?.code ?? '',
    'bundle-path': result.bundle?.path ?? result.local?.path ?? '',
    'bundle-artifact': result.bundle?.artifact ?? '',
    'bundle-key': result.bundle?.cacheKey ?? '',
    'sync-report': result.sync ? syncReportJson(result.sync) : '',
    'planned-calls': result.plan ? JSON.stringify(result.plan.calls) : '',
    'report-path': result.reportPath ?? '',
    'attestation-url': result.attestation?.url ?? '',
    'model-digest': result.modelDigest ?? ''
  }
}

/**
 * Lists where the connection and auth settings came from, as
 * `name: origin`. Values are left out, because some are secrets.
 */
function describeSettings(config: Config): string[] {
  const shown: readonly InputName[] = [
    'tracking-uri',
    'registry-uri',
    'databricks-profile',
    'databricks-config-file',
    'databricks-host',
    'databricks-token',
    'databricks-client-id',
    'databricks-client-secret',
    'auth-mode',
    'username',
    'password',
    'token',
    'token-header',
    'token-endpoint',
    'client-id',
    'client-secret',
    'oidc-audience',
    'oidc-exchange',
    'ca-cert',
    'client-cert',
    'client-key',
    'insecure-tls',
    'extra-headers'
  ]
  return shown.flatMap(name => {
    const origin = config.origins.get(name)
    return origin ? [`${name}: ${origin}`] : []
  })
}

/** Counts a sync's bundles by status, as `2 synced, 1 failed`. */
function countSyncEntries(report: SyncReport): string {
  const counts = new Map<string, number>()
  for (const entry of report.entries) {
    const label = entry.status.replace('-', ' ')
    counts.set(label, (counts.get(label) ?? 0) + 1)
  }
  if (counts.size === 0) return 'none pending'
  return [...counts].map(([label, count]) => `${count} ${label}`).join(', ')
}

/** Serializes the `sync-report` output: one object per bundle. */
function syncReportJson(report: SyncReport): string {
  return JSON.stringify(
    report.entries.map(entry => ({
      bundle: entry.bundle,
      model: entry.modelName ?? null,
      status: entry.status,
      version: entry.version ?? null,
      diagnosis: entry.diagnosis?.code ?? null
    }))
  )
}

/** Sets every output, so later steps can rely on each one existing. */
export function writeOutputs(host: Host, result: RunResult): void {
  for (const [name, value] of Object.entries(collectOutputs(result))) {
    host.setOutput(name, value)
  }
}

/** Builds the job summary's content from a result. */
export function summarize(result: RunResult): RunSummary {
  const { config, auth, preflight, version } = result
  const outputs = collectOutputs(result)
  return {
    mode: config?.mode ?? 'register',
    trackingUri: config ? describeUrl(config.trackingUri) : '',
    ...(result.offline
      ? { localRegistry: result.offline.offline.registryDir }
      : {}),
    modelName: outputs['model-name'],
    outcome: result.outcome,
    ...(auth ? { authMode: auth.provider.mode, authReason: auth.reason } : {}),
    ignored: auth?.ignored ?? [],
    settings: config ? describeSettings(config) : [],
    ...(preflight?.serverVersion
      ? { serverVersion: preflight.serverVersion }
      : {}),
    ...(preflight?.identity ? { identity: preflight.identity } : {}),
    ...(preflight?.requestCount === undefined
      ? {}
      : { requestCount: preflight.requestCount }),
    ...(version
      ? { version: version.version, modelUrl: outputs['model-url'] }
      : {}),
    ...(result.local ? { version: result.local.version } : {}),
    ...(version?.source ? { source: version.source } : {}),
    ...(result.modelDigest ? { modelDigest: result.modelDigest } : {}),
    aliases:
      version || result.local
        ? (config?.aliases ?? result.offline?.aliases ?? [])
        : [],
    ...(result.comparison ? { comparison: result.comparison } : {}),
    ...(result.bundle ? { bundlePath: result.bundle.path } : {}),
    ...(result.local ? { localVersionPath: result.local.path } : {}),
    ...(result.sync ? { syncCounts: countSyncEntries(result.sync) } : {}),
    ...(result.plan ? { plannedCalls: result.plan.calls } : {}),
    checks: preflight?.passed ?? [],
    notVerified: preflight?.notVerified ?? [],
    ...(result.diagnosis ? { diagnosis: result.diagnosis } : {})
  }
}
