import type { Dispatcher } from 'undici'

import type { ProviderContext } from './auth/oauth-mode.js'
import type { AuthProvider } from './auth/provider.js'
import { resolveAuth, type AuthResolution } from './auth/resolve-auth.js'
import type { Config } from './config/config.js'
import type { MaskSecret } from './config/secrets.js'
import { loadConfig } from './config/load-config.js'
import type { Diagnosis } from './diagnosis/diagnosis.js'
import { registerOrDefer } from './bundle/defer.js'
import { registerLocally } from './bundle/register-locally.js'
import { isOffline } from './config/offline-settings.js'
import { summarize, writeOutputs, type RunResult } from './github/outputs.js'
import { writePreflightReport } from './github/preflight-report.js'
import { renderSummary } from './github/summary.js'
import type { Host, Logger } from './host/host.js'
import type { ConnectionFacts } from './http/errors.js'
import { reportConnection } from './http/connection.js'
import { recordSecrets } from './host/secret-record.js'
import { createDispatcher } from './http/dispatcher.js'
import { defaultRetryPolicy } from './http/retry.js'
import {
  createRegistryClient,
  createUnityCatalogClient,
  createWorkspaceAuth,
  createWorkspaceRegistryClient
} from './http/registry-client.js'
import { HttpClient, type HttpClientOptions } from './http/transport.js'
import { classifyFailure } from './preflight/classify.js'
import { runPreflight } from './preflight/preflight.js'
import { verifyModelVersion } from './provenance/verify-version.js'
import { planDryRun } from './register/dry-run.js'
import { syncPendingBundles } from './sync/sync.js'
import { USER_AGENT } from './version.js'

/**
 * Runs the action: configuration, then an offline registration into the
 * local registry, or auth and a preflight, a registration (deferred into
 * a bundle when the server is unavailable), a sync of pending bundles or
 * the verification of a signed version.
 * Every failure ends here as one diagnosis; the outputs and the job
 * summary are written whatever happened.
 */
export async function run(runner: Host): Promise<RunResult> {
  const { host, secrets } = recordSecrets(runner)
  const result: RunResult = { outcome: 'failed' }
  try {
    const config = loadConfig(host)
    if (isOffline(config)) {
      result.offline = config
      await registerLocally(host, config, secrets, result)
    } else {
      result.config = config
      await runWithServer(host, config, secrets, result)
    }
  } catch (error) {
    result.diagnosis = classifyFailure(error)
    reportFailure(host, result.diagnosis)
  } finally {
    await reportPreflight(host, result, secrets)
    writeOutputs(host, result)
    await host.writeSummary(renderSummary(summarize(result)))
  }
  return result
}

/** Resolves the auth mode and runs the configured mode on the server. */
async function runWithServer(
  host: Host,
  config: Config,
  secrets: readonly string[],
  result: RunResult
): Promise<void> {
  const mask = (value: string) => {
    host.setSecret(value)
  }
  const context: ProviderContext = {
    log: host.log,
    timeoutMs: config.requestTimeoutMs,
    now: Date.now,
    env: host.env,
    retry: defaultRetryPolicy(config.maxAttempts, {
      baseDelayMs: config.retryInitialDelayMs,
      budgetMs: config.retryMaxTimeMs
    })
  }
  const auth = resolveAuth(config.auth, config.origins, mask, context)
  const workspaceAuth = createWorkspaceAuth(config.registry, mask, context)
  result.auth = auth
  logAuth(host.log, config, auth)

  const connection = reportConnection(config, host.log)
  const dispatcher = createDispatcher({
    connectTimeoutMs: config.requestTimeoutMs,
    tls: config.tls,
    proxy: config.proxy
  })
  try {
    const http = createHttpClient(
      config,
      auth,
      dispatcher,
      host.log,
      connection,
      mask,
      workspaceAuth
    )
    if (config.mode === 'preflight') {
      result.preflight = await runPreflight(http, config.modelName, host.log)
      result.outcome = 'checked'
    } else if (config.mode === 'sync') {
      await syncPendingBundles({ host, http, config }, result)
    } else if (config.mode === 'verify') {
      await verifyModelVersion(http, config, host.log, result)
    } else if (config.dryRun) {
      await planDryRun({ host, http, config }, result)
    } else {
      await registerOrDefer({ host, http, config, secrets }, result)
    }
  } finally {
    await dispatcher.close()
  }
}

/** Writes the redacted preflight report file, in preflight mode. */
async function reportPreflight(
  host: Host,
  result: RunResult,
  secrets: readonly string[]
): Promise<void> {
  if (result.config?.mode !== 'preflight') return
  const file = await writePreflightReport(result, secrets, host)
  if (file) result.reportPath = file
}

function createHttpClient(
  config: Config,
  auth: AuthResolution,
  dispatcher: Dispatcher,
  log: Logger,
  connection: ConnectionFacts,
  mask: MaskSecret,
  workspaceAuth?: AuthProvider
): HttpClient {
  const options: HttpClientOptions = {
    baseUrl: config.trackingUri,
    auth: auth.provider,
    dispatcher,
    extraHeaders: config.extraHeaders,
    connection,
    timeoutMs: config.requestTimeoutMs,
    retry: defaultRetryPolicy(config.maxAttempts, {
      baseDelayMs: config.retryInitialDelayMs,
      budgetMs: config.retryMaxTimeMs
    }),
    log,
    userAgent: USER_AGENT,
    mask
  }
  const workspace = createWorkspaceRegistryClient(
    config.registry,
    options,
    workspaceAuth
  )
  if (workspace) {
    log.info(workspace.credentials)
    return new HttpClient({ ...options, registry: workspace.client })
  }
  if (config.registry.kind === 'unity-catalog') {
    log.info(
      `Registry: Unity Catalog of the workspace ${config.trackingUri.href}`
    )
    return createUnityCatalogClient(options)
  }
  const registry = createRegistryClient(config.registry, options, mask)
  if (!registry) return new HttpClient(options)
  log.info(registry.credentials)
  return new HttpClient({ ...options, registry: registry.client })
}

function logAuth(log: Logger, config: Config, auth: AuthResolution): void {
  log.info(`Tracking server: ${config.trackingUri.href}`)
  log.info(`Auth: ${auth.reason}`)
  const hostWarning = config.auth.databricks?.hostWarning
  if (hostWarning) log.warning(hostWarning, { title: 'Databricks host' })
  for (const ignored of auth.ignored) log.info(`Ignored ${ignored}`)
}

function reportFailure(host: Host, diagnosis: Diagnosis): void {
  const evidence = Object.entries(diagnosis.evidence).map(
    ([key, value]) => `  ${key}: ${String(value)}`
  )
  const message = [
    diagnosis.detail,
    `Fix: ${diagnosis.fix}`,
    ...(evidence.length > 0 ? ['Evidence:', ...evidence] : [])
  ].join('\n')
  host.log.error(message, { title: `${diagnosis.code}: ${diagnosis.title}` })
  host.setFailed(`${diagnosis.code}: ${diagnosis.title}`)
}
