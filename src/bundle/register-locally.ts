import { mkdir } from 'node:fs/promises'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

import type { OfflineConfig } from '../config/offline-settings.js'
import { settingLabel } from '../config/fields.js'
import { isThreePartName } from '../config/registry-choice.js'
import type { RunResult } from '../github/outputs.js'
import type { Host, Logger } from '../host/host.js'
import { readModelDirectory } from '../register/model-directory.js'
import { checkProxyFileNames } from '../register/proxy-file-names.js'
import { readProvenance } from '../register/provenance.js'
import { registrationKey } from '../register/register.js'
import { lockBundle } from '../sync/bundle-lock.js'
import {
  nextLocalVersion,
  readLocalRegistry,
  type LocalRegistry,
  type LocalVersion
} from './local-registry.js'
import { writeBundle } from './write-bundle.js'

/** How long an offline registration waits for another one's lock. */
const LOCK_WAIT_MS = 10_000

/**
 * Registers the model version in the local registry and sends no
 * request. A version with this run's idempotency key is reused, as on a
 * server, so a re-run creates no second version. Otherwise the new
 * version gets the model's next number.
 */
export async function registerLocally(
  host: Host,
  config: OfflineConfig,
  secrets: readonly string[],
  result: RunResult
): Promise<void> {
  const { registryDir } = config.offline
  logOfflineDecision(host.log, config)
  const provenance = readProvenance(host.env)
  const directory = config.modelPath
    ? await readModelDirectory(config.modelPath)
    : undefined
  // Checked before the registry is touched; only a three-part name may go
  // to Unity Catalog, whose storage takes any file name.
  if (directory && !isThreePartName(config.modelName)) {
    checkProxyFileNames(directory.files)
  }
  const key = registrationKey(config, provenance, directory)

  const release = await lockRegistry(registryDir)
  try {
    const registry = await readLocalRegistry(registryDir)
    warnInvalid(host.log, registry)
    const existing = config.forceNewVersion
      ? undefined
      : findByKey(registry, config.modelName, key)
    if (existing) {
      reportReused(host.log, existing, result)
      return
    }
    const bundle = await writeBundle({
      directory: registryDir,
      config,
      provenance,
      localVersion: nextLocalVersion(registry, config.modelName),
      secrets,
      now: new Date()
    })
    const version = bundle.manifest.localVersion ?? ''
    result.outcome = 'registered-locally'
    result.local = { version, path: bundle.path }
    host.log.info(
      `Registered version ${version} of '${config.modelName}' in the ` +
        `local registry: ${bundle.path}`
    )
  } finally {
    await release()
  }
  logNextStep(host.log, config)
}

function logOfflineDecision(log: Logger, config: OfflineConfig): void {
  const { registryDir, reason } = config.offline
  if (reason === 'no-tracking-uri') {
    log.warning(
      'Neither `tracking-uri` nor MLFLOW_TRACKING_URI is set, so this ' +
        'run registers offline into the local registry at ' +
        `${registryDir}. Set \`tracking-uri\` ` +
        'to register on a server, `offline: true` to register offline ' +
        'without this warning, or `offline: false` to fail instead.',
      { title: 'Offline: no tracking server configured' }
    )
    return
  }
  const origin = config.origins.get('offline') ?? 'input'
  const label = settingLabel('offline', { value: 'true', origin })
  log.info(
    `Offline (${label} is true): registering into the local registry at ` +
      `${registryDir}; no request is sent to any server.`
  )
}

function logNextStep(log: Logger, config: OfflineConfig): void {
  if (config.metricGates.length > 0) {
    log.info(
      'The `require-metric` conditions are checked when this version is ' +
        "synced, because the run's metrics are on the server."
    )
  }
  log.info(
    'A sync (`mode: sync`) with `tracking-uri` set registers the local ' +
      'registry on a server.'
  )
}

function findByKey(
  registry: LocalRegistry,
  modelName: string,
  key: string
): LocalVersion | undefined {
  return registry.versions.find(
    entry =>
      entry.modelName === modelName &&
      entry.bundle.manifest.registration.idempotencyKey === key
  )
}

function reportReused(
  log: Logger,
  existing: LocalVersion,
  result: RunResult
): void {
  // NOTE: a local version is fixed by its checksums, so unlike a reuse on
  // a server, a reuse here does not apply a changed description or tags.
  log.info(
    `Version ${existing.version} of '${existing.modelName}' in the local ` +
      'registry was already registered by this run (same idempotency ' +
      `key); reusing it: ${existing.bundle.path}`
  )
  result.outcome = 'reused'
  result.local = { version: existing.version, path: existing.bundle.path }
}

function warnInvalid(log: Logger, registry: LocalRegistry): void {
  for (const entry of registry.invalid) {
    log.warning(
      `${path.join(registry.directory, entry.bundle)} is not a valid ` +
        `local version and is ignored: ${entry.problem}`,
      { title: 'Invalid entry in the local registry' }
    )
  }
}

/**
 * Takes the local registry's lock, so two offline registrations never
 * give out the same version number. Waits up to ten seconds for another
 * registration to finish.
 */
async function lockRegistry(directory: string): Promise<() => Promise<void>> {
  await mkdir(directory, { recursive: true })
  const lockTarget = path.join(directory, '.registry')
  const deadline = Date.now() + LOCK_WAIT_MS
  for (;;) {
    const release = await lockBundle(lockTarget)
    if (release) return release
    if (Date.now() > deadline) {
      throw new Error(
        `The local registry at ${directory} is locked by another ` +
          `registration (${lockTarget}.lock). Wait for it to finish, or ` +
          'delete the lock file if no other mlflow-register is running.'
      )
    }
    await sleep(100)
  }
}
