import { rm } from 'node:fs/promises'
import path from 'node:path'

import { resolveBundleDir } from '../bundle/bundle-dir.js'
import type { RemoteCopies } from '../bundle/bundle-store.js'
import { readBundle, type VerifiedBundle } from '../bundle/read-bundle.js'
import {
  DiagnosedError,
  configError,
  type Diagnosis
} from '../diagnosis/diagnosis.js'
import type { RunResult } from '../github/outputs.js'
import type { Host } from '../host/host.js'
import { describeUrl } from '../http/url.js'
import type { HttpClient } from '../http/transport.js'
import type { Config } from '../config/config.js'
import { classifyFailure } from '../preflight/classify.js'
import { forEachBounded } from './bounded-pool.js'
import { lockBundle } from './bundle-lock.js'
import { listPendingBundles } from './find-bundles.js'
import { replayBundle } from './replay.js'

/** Bundles replayed at once; each replay is a handful of sequential calls. */
const SYNC_CONCURRENCY = 3

/** The status of one bundle after a sync. */
export type SyncStatus = 'synced' | 'already-registered' | 'failed' | 'skipped'

/** The result of one bundle in a sync. */
export interface SyncEntry {
  /** The bundle id (its directory name). */
  readonly bundle: string
  readonly modelName?: string
  readonly status: SyncStatus
  readonly version?: string
  readonly diagnosis?: Diagnosis
}

/** The per-bundle results of a sync, oldest bundle first. */
export interface SyncReport {
  readonly entries: readonly SyncEntry[]
}

/** The host, HTTP client and configuration of the sync step. */
export interface SyncStep {
  readonly host: Host
  readonly http: HttpClient
  readonly config: Config
}

/**
 * Registers every pending bundle in the bundle directory, a few at a
 * time; each registered bundle is removed, and a failed one stays pending.
 * With `model-name` set, only that model's bundles are synced. Throws the
 * first failure's diagnosis when any bundle failed.
 */
export async function syncPendingBundles(
  step: SyncStep,
  result: RunResult
): Promise<void> {
  const { host } = step
  const directory = resolveBundleDir(step.config.bundle.directory, host.env)
  const remote = await fetchRemoteBundles(step, directory)
  const bundles = await listPendingBundles(directory)
  host.log.info(`Found ${bundles.length} pending bundles in ${directory}`)

  const entries: SyncEntry[] = []
  await forEachBounded(bundles, SYNC_CONCURRENCY, async (bundle, index) => {
    host.log.info(
      `Syncing bundle ${index + 1} of ${bundles.length}: ` +
        path.basename(bundle)
    )
    const entry = await syncBundle(step, bundle)
    if (entry) {
      logEntry(step.host, entry)
      entries.push(entry)
    }
  })
  entries.sort((a, b) => a.bundle.localeCompare(b.bundle))
  result.sync = { entries }
  await deleteSyncedCopies(step, entries, remote)

  const failure = syncFailure(entries)
  if (failure) throw failure
  result.outcome = 'synced'
}

/** Downloads the bundles the host stores outside the job, if it can. */
async function fetchRemoteBundles(
  step: SyncStep,
  directory: string
): Promise<Map<string, RemoteCopies>> {
  const { config, host } = step
  if (!host.bundleStore) return new Map()
  const modelName = config.modelName === '' ? undefined : config.modelName
  const token = config.bundle.githubToken
  return host.bundleStore.download(directory, modelName, token, host.log)
}

/** Deletes the cache entries and artifacts of the registered bundles. */
async function deleteSyncedCopies(
  step: SyncStep,
  entries: readonly SyncEntry[],
  remote: ReadonlyMap<string, RemoteCopies>
): Promise<void> {
  const { config, host } = step
  const store = host.bundleStore
  if (!store) return
  for (const entry of entries) {
    const copies = remote.get(entry.bundle)
    const registered =
      entry.status === 'synced' || entry.status === 'already-registered'
    if (copies && registered) {
      const token = config.bundle.githubToken
      await store.deleteCopies(entry.bundle, copies, token, host.log)
    }
  }
}

/** Builds the error of a sync in which some bundles failed. */
function syncFailure(
  entries: readonly SyncEntry[]
): DiagnosedError | undefined {
  const failed = entries.filter(entry => entry.status === 'failed')
  const first = failed[0]?.diagnosis
  if (!first) return undefined
  return new DiagnosedError({
    ...first,
    detail:
      `${failed.length} of ${entries.length} bundles could not be synced ` +
      `and stay pending. The first: ${first.detail}`
  })
}

/** Syncs one bundle; returns undefined when it is filtered out. */
async function syncBundle(
  step: SyncStep,
  bundlePath: string
): Promise<SyncEntry | undefined> {
  const bundle = path.basename(bundlePath)
  const release = await lockBundle(bundlePath)
  if (!release) return { bundle, status: 'skipped' }
  let verified: VerifiedBundle | undefined
  try {
    verified = await readBundle(bundlePath)
    const { modelName } = verified.manifest.registration
    const wanted = step.config.modelName
    if (wanted && wanted !== modelName) return undefined
    checkTrackingUri(step.config, verified)
    const registration = await replayBundle(verified, {
      http: step.http,
      config: step.config,
      log: step.host.log
    })
    await rm(bundlePath, { recursive: true, force: true })
    return {
      bundle,
      modelName,
      status:
        registration.outcome === 'reused' ? 'already-registered' : 'synced',
      version: registration.version.version
    }
  } catch (error) {
    return {
      bundle,
      ...(verified
        ? { modelName: verified.manifest.registration.modelName }
        : {}),
      status: 'failed',
      diagnosis: classifyFailure(error)
    }
  } finally {
    await release()
  }
}

function checkTrackingUri(config: Config, bundle: VerifiedBundle): void {
  const trim = (value: string): string => value.replace(/\/+$/, '')
  const current = trim(describeUrl(config.trackingUri))
  const recorded = trim(bundle.manifest.trackingUri)
  if (current === recorded) return
  throw configError(
    'input `tracking-uri`',
    `bundle ${bundle.manifest.bundleId} was written for ${recorded}, but ` +
      `this sync is configured for ${current}`,
    `Run the sync with tracking-uri ${recorded}, or move the bundle to ` +
      'another bundle-dir.'
  )
}

function logEntry(host: Host, entry: SyncEntry): void {
  const model = entry.modelName ? ` ('${entry.modelName}')` : ''
  if (entry.status === 'skipped') {
    host.log.info(
      `Skipped bundle ${entry.bundle}: it is locked by another sync`
    )
  } else if (entry.status === 'failed') {
    const diagnosis = entry.diagnosis
    host.log.warning(
      `Bundle ${entry.bundle}${model} stays pending: ` +
        `${diagnosis?.code ?? ''} ${diagnosis?.detail ?? ''}`,
      { title: `Bundle not synced: ${diagnosis?.code ?? 'failed'}` }
    )
  } else {
    host.log.info(
      `Bundle ${entry.bundle}${model}: ${entry.status}, version ` +
        `${entry.version ?? ''}; removed it`
    )
  }
}
