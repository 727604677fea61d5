import { rm } from 'node:fs/promises'
import path from 'node:path'

import { readBundle, type VerifiedBundle } from '../bundle/read-bundle.js'
import { readSyncRecord, recordSync } from '../bundle/sync-record.js'
import type { Config } from '../config/config.js'
import {
  DiagnosedError,
  diagnose,
  type Diagnosis
} from '../diagnosis/diagnosis.js'
import { bundleArtifactName } from '../github/bundle-names.js'
import type { Host } from '../host/host.js'
import type { HttpClient } from '../http/transport.js'
import { describeUrl } from '../http/url.js'
import { classifyFailure } from '../preflight/classify.js'
import { shellQuote } from '../text/shell-quote.js'
import { lockBundle } from './bundle-lock.js'
import {
  failedSyncFile,
  recordFailedSync,
  removeFailedSync
} from './failed-sync.js'
import { replayBundle } from './replay.js'

/** The status of one bundle after a sync. */
export type SyncStatus = 'synced' | 'already-registered' | 'failed' | 'skipped'

/** The result of one bundle in a sync. */
export interface SyncEntry {
  /** The bundle id (its directory name). */
  readonly bundle: string
  readonly modelName?: string
  readonly status: SyncStatus
  /** The version on the server. */
  readonly version?: string
  /** The version number in the local registry, for a local version. */
  readonly localVersion?: string
  readonly diagnosis?: Diagnosis
}

/** The host, HTTP client and configuration of the sync step. */
export interface SyncStep {
  readonly host: Host
  readonly http: HttpClient
  readonly config: Config
}

/**
 * Where a bundle comes from: `pending` bundles of deferred registrations
 * are removed once registered; `local` versions of the local registry
 * are kept, with a record of the server version.
 */
export type BundleKind = 'pending' | 'local'

/**
 * Syncs one bundle under its lock; returns undefined when `model-name`
 * filters it out. A failure is returned as a `failed` entry, and for a
 * pending bundle that passed verification its diagnosis is recorded, so
 * `list` shows the newest failure.
 */
export async function syncBundle(
  step: SyncStep,
  bundlePath: string,
  kind: BundleKind
): Promise<SyncEntry | undefined> {
  const bundle = path.basename(bundlePath)
  const release = await lockBundle(bundlePath)
  if (!release) return { bundle, status: 'skipped' }
  let verified: VerifiedBundle | undefined
  try {
    verified = await readBundle(bundlePath)
    const { modelName } = verified.manifest.registration
    const requested = step.config.modelName
    if (requested && requested !== modelName) return undefined
    return kind === 'local'
      ? await syncLocalVersion(step, verified)
      : await syncPendingBundle(step, verified)
  } catch (error) {
    const diagnosis = classifyFailure(error)
    if (verified && kind === 'pending') {
      await keepFailedSync(step.host, bundlePath, diagnosis)
    }
    return {
      bundle,
      ...(verified
        ? { modelName: verified.manifest.registration.modelName }
        : {}),
      status: 'failed',
      diagnosis
    }
  } finally {
    await release()
  }
}

async function syncPendingBundle(
  step: SyncStep,
  verified: VerifiedBundle
): Promise<SyncEntry> {
  checkTrackingUri(step, verified)
  const registration = await replayBundle(verified, {
    http: step.http,
    config: step.config,
    log: step.host.log
  })
  await rm(verified.path, { recursive: true, force: true })
  await removeFailedSync(verified.path)
  return {
    bundle: verified.manifest.bundleId,
    modelName: verified.manifest.registration.modelName,
    status: registration.outcome === 'reused' ? 'already-registered' : 'synced',
    version: registration.version.version
  }
}

/**
 * Registers a version of the local registry, unless its sync record shows
 * it on this server already. The record is only a shortcut: without
 * it the idempotency key still makes the replay adopt the version.
 */
async function syncLocalVersion(
  step: SyncStep,
  verified: VerifiedBundle
): Promise<SyncEntry> {
  const { manifest } = verified
  const server = trimSlashes(describeUrl(step.config.trackingUri))
  const base = {
    bundle: manifest.bundleId,
    modelName: manifest.registration.modelName,
    ...(manifest.localVersion ? { localVersion: manifest.localVersion } : {})
  }
  const recorded = (await readSyncRecord(verified.path))[server]
  if (recorded) {
    return { ...base, status: 'already-registered', version: recorded.version }
  }
  const registration = await replayBundle(verified, {
    http: step.http,
    config: step.config,
    log: step.host.log
  })
  const version = registration.version.version
  await recordSync(verified.path, server, version, new Date())
  return {
    ...base,
    status: registration.outcome === 'reused' ? 'already-registered' : 'synced',
    version
  }
}

function trimSlashes(value: string): string {
  return value.replace(/\/+$/, '')
}

/**
 * Records a failed sync beside its bundle. A record that cannot be
 * written is a warning, because the bundle itself stays pending as it is.
 */
async function keepFailedSync(
  host: Host,
  bundlePath: string,
  diagnosis: Diagnosis
): Promise<void> {
  try {
    await recordFailedSync(bundlePath, diagnosis, new Date())
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error)
    host.log.warning(
      `The failed sync of ${bundlePath} was not recorded: ${reason}. ` +
        '`list` shows an older error for this bundle.',
      { title: 'Failed sync not recorded' }
    )
  }
}

/**
 * Stops the replay of a bundle written for another tracking server. The
 * recorded URI may be the mistake, as when a mistyped port refused the
 * connection and the registration was deferred, so the fix covers both.
 */
function checkTrackingUri(step: SyncStep, bundle: VerifiedBundle): void {
  const current = trimSlashes(describeUrl(step.config.trackingUri))
  const recorded = trimSlashes(bundle.manifest.trackingUri ?? '')
  if (current === recorded) return
  throw new DiagnosedError(
    diagnose(
      'CLIENT_CONFIG',
      `The bundle was written for ${recorded}, but this sync is ` +
        `configured for ${current}. A bundle is synced only to the ` +
        'tracking URI it was written for.',
      `If ${recorded} is the right server, run the sync with ` +
        `\`tracking-uri: ${recorded}\`. If that URI was a mistake, run ` +
        'the registration again with the right `tracking-uri`, then ' +
        `${deleteBundleStep(step.host, bundle)}.`,
      {},
      'The bundle was written for another tracking server'
    )
  )
}

/**
 * Returns the step that deletes a pending bundle: on the command line its
 * directory and failed-sync record, and on a runner its artifact and
 * cache entry, from which every sync downloads it again.
 */
function deleteBundleStep(host: Host, bundle: VerifiedBundle): string {
  const id = bundle.manifest.bundleId
  if (!host.bundleStore) {
    return (
      'delete the bundle and its failed-sync record with ' +
      `\`rm -r -- ${shellQuote(bundle.path)} ` +
      `${shellQuote(failedSyncFile(bundle.path))}\``
    )
  }
  return (
    `delete the bundle's artifact ${bundleArtifactName(id)} and its ` +
    `cache entry (the key that ends in ${id}), or the next sync ` +
    'downloads it again'
  )
}
