import path from 'node:path'

import { resolveBundleDir } from '../bundle/bundle-dir.js'
import type { RemoteCopies } from '../bundle/bundle-store.js'
import { readLocalRegistry } from '../bundle/local-registry.js'
import { DiagnosedError } from '../diagnosis/diagnosis.js'
import type { RunResult } from '../github/outputs.js'
import type { Host } from '../host/host.js'
import { forEachBounded } from '../async/bounded-pool.js'
import { listPendingBundles } from './find-bundles.js'
import {
  syncBundle,
  type BundleKind,
  type SyncEntry,
  type SyncStep
} from './sync-bundle.js'
import { countOf } from '../text/plural.js'

export type { SyncEntry, SyncStatus, SyncStep } from './sync-bundle.js'

/** Bundles replayed at once; each replay is a handful of sequential calls. */
const SYNC_CONCURRENCY = 3

/** The per-bundle results of a sync, oldest bundle first. */
export interface SyncReport {
  readonly entries: readonly SyncEntry[]
}

/**
 * Registers every pending bundle in the bundle directory, a few at a
 * time, then every version of the local registry. A registered pending
 * bundle is removed, a registered local version is kept with a record of
 * the server version, and a failed one stays for the next sync. With
 * `model-name` set, only that model's bundles are synced. Throws the
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
  host.log.info(
    `Found ${countOf(bundles.length, 'pending bundle')} in ${directory}`
  )

  const entries = await syncEach(step, bundles, 'pending', SYNC_CONCURRENCY)
  entries.sort((a, b) => a.bundle.localeCompare(b.bundle))
  await deleteSyncedCopies(step, entries, remote)
  entries.push(...(await syncLocalRegistry(step)))
  result.sync = { entries }

  const failure = syncFailure(entries)
  if (failure) throw failure
  result.outcome = 'synced'
}

/**
 * Registers the versions of the local registry one at a time, in version
 * order per model, so the server creates them in the same order and
 * each alias ends on the version it points to locally.
 */
async function syncLocalRegistry(step: SyncStep): Promise<SyncEntry[]> {
  const { host, config } = step
  const registry = await readLocalRegistry(config.registryDir)
  const count = registry.versions.length + registry.invalid.length
  if (count === 0) return []
  host.log.info(
    `Found ${countOf(registry.versions.length, 'version')} in the local ` +
      'registry at ' +
      config.registryDir
  )
  const paths = [
    ...registry.versions.map(entry => entry.bundle.path),
    ...registry.invalid.map(entry =>
      path.join(config.registryDir, entry.bundle)
    )
  ]
  return syncEach(step, paths, 'local', 1)
}

/** Syncs bundles, `limit` at a time, and logs each result. */
async function syncEach(
  step: SyncStep,
  bundles: readonly string[],
  kind: BundleKind,
  limit: number
): Promise<SyncEntry[]> {
  const entries: SyncEntry[] = []
  await forEachBounded(bundles, limit, async (bundle, index) => {
    step.host.log.info(
      `Syncing ${kind === 'local' ? 'local version' : 'bundle'} ` +
        `${index + 1} of ${bundles.length}: ${path.basename(bundle)}`
    )
    const entry = await syncBundle(step, bundle, kind)
    if (entry) {
      logEntry(step.host, entry, kind)
      entries.push(entry)
    }
  })
  return entries
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
  const firstEntry = failed[0]
  const first = firstEntry?.diagnosis
  if (!firstEntry || !first) return undefined
  const stay = failed.length === 1 ? 'stays' : 'stay'
  return new DiagnosedError({
    ...first,
    detail:
      `${failed.length} of ${countOf(entries.length, 'bundle')} could not ` +
      `be synced and ${stay} pending. The first, ${firstEntry.bundle}: ` +
      first.detail
  })
}

/**
 * Logs the result of one bundle. A failure's code is in the warning's
 * title only, so the CLI, which prints the title before the message,
 * does not show it twice.
 */
function logEntry(host: Host, entry: SyncEntry, kind: BundleKind): void {
  const model = entry.modelName ? ` ('${entry.modelName}')` : ''
  const subject =
    kind === 'local'
      ? `Local version ${entry.localVersion ?? entry.bundle}`
      : `Bundle ${entry.bundle}`
  if (entry.status === 'skipped') {
    host.log.info(`Skipped ${entry.bundle}: it is locked by another sync`)
  } else if (entry.status === 'failed') {
    const diagnosis = entry.diagnosis
    const stays = kind === 'local' ? 'is not synced' : 'stays pending'
    host.log.warning(
      `${subject}${model} ${stays}: ${diagnosis?.detail ?? ''}`,
      {
        title: `Bundle not synced: ${diagnosis?.code ?? 'failed'}`
      }
    )
  } else {
    const registered =
      entry.status === 'synced' ? 'registered' : 'already registered'
    const after =
      kind === 'local'
        ? 'the local version stays in the local registry'
        : 'the bundle is deleted'
    host.log.info(
      `${subject}${model}: ${registered} as version ` +
        `${entry.version ?? ''} on the server; ${after}`
    )
  }
}
