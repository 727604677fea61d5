import { readFile } from 'node:fs/promises'
import path from 'node:path'

import { z } from 'zod'

import { DiagnosedError } from '../diagnosis/diagnosis.js'
import { listPendingBundles } from '../sync/find-bundles.js'
import { MANIFEST_FILE } from './manifest.js'
import { readBundle, type VerifiedBundle } from './read-bundle.js'
import { readSyncRecord, type SyncRecord } from './sync-record.js'

/**
 * One model version of the local registry: a bundle whose manifest has a
 * `localVersion`, plus the aliases that point to it and the servers it
 * was synced to.
 */
export interface LocalVersion {
  readonly bundle: VerifiedBundle
  readonly modelName: string
  readonly version: string
  /** The aliases that point to this version now. */
  readonly aliases: readonly string[]
  readonly synced: SyncRecord
}

/** An entry of the local registry that failed verification. */
export interface InvalidEntry {
  readonly bundle: string
  readonly problem: string
  /**
   * The model name and version that its manifest claims, unverified, or
   * undefined when the manifest cannot be read.
   */
  readonly claimed?: { readonly modelName: string; readonly version: string }
}

/** The contents of the local registry directory. */
export interface LocalRegistry {
  readonly directory: string
  /** Every valid version, by model name, then version number. */
  readonly versions: readonly LocalVersion[]
  readonly invalid: readonly InvalidEntry[]
}

/**
 * Reads and verifies every version in the local registry; a missing
 * directory is an empty registry. An alias points to the highest version
 * of its model that was registered with it, as in MLflow, where setting
 * an alias moves it off the older version.
 */
export async function readLocalRegistry(
  directory: string
): Promise<LocalRegistry> {
  const found: Omit<LocalVersion, 'aliases'>[] = []
  const invalid: InvalidEntry[] = []
  for (const bundlePath of await listPendingBundles(directory)) {
    try {
      const bundle = await readBundle(bundlePath)
      const { localVersion, registration } = bundle.manifest
      if (localVersion === undefined) {
        throw new Error('it is a deferred registration, not a local version')
      }
      found.push({
        bundle,
        modelName: registration.modelName,
        version: localVersion,
        synced: await readSyncRecord(bundlePath)
      })
    } catch (error) {
      const claimed = await readClaimedVersion(bundlePath)
      invalid.push({
        bundle: path.basename(bundlePath),
        problem: describeProblem(error),
        ...(claimed ? { claimed } : {})
      })
    }
  }
  found.sort(
    (a, b) =>
      a.modelName.localeCompare(b.modelName) ||
      Number(a.version) - Number(b.version)
  )
  return { directory, versions: assignAliases(found), invalid }
}

function assignAliases(
  versions: readonly Omit<LocalVersion, 'aliases'>[]
): LocalVersion[] {
  const owners = new Map<string, Omit<LocalVersion, 'aliases'>>()
  for (const entry of versions) {
    for (const alias of entry.bundle.manifest.registration.aliases) {
      // Sorted by version, so a later version takes the alias.
      owners.set(`${entry.modelName}\0${alias}`, entry)
    }
  }
  return versions.map(entry => ({
    ...entry,
    aliases: entry.bundle.manifest.registration.aliases.filter(
      alias => owners.get(`${entry.modelName}\0${alias}`) === entry
    )
  }))
}

/** Returns the next version number of a model in the local registry. */
export function nextLocalVersion(
  registry: LocalRegistry,
  modelName: string
): string {
  let highest = 0
  for (const entry of registry.versions) {
    if (entry.modelName === modelName) {
      highest = Math.max(highest, Number(entry.version))
    }
  }
  return String(highest + 1)
}

const claimedVersionSchema = z.object({
  registration: z.object({ modelName: z.string() }),
  localVersion: z.string()
})

/**
 * Reads the model name and version from the manifest of a bundle that
 * failed verification, so that `show <model>/<version>` can report it.
 * Returns undefined when the manifest is missing or not in that shape.
 */
async function readClaimedVersion(
  bundlePath: string
): Promise<InvalidEntry['claimed']> {
  try {
    const text = await readFile(path.join(bundlePath, MANIFEST_FILE), 'utf8')
    const parsed = claimedVersionSchema.safeParse(JSON.parse(text))
    if (!parsed.success) return undefined
    return {
      modelName: parsed.data.registration.modelName,
      version: parsed.data.localVersion
    }
  } catch {
    return undefined
  }
}

function describeProblem(error: unknown): string {
  if (error instanceof DiagnosedError) return error.diagnosis.detail
  return error instanceof Error ? error.message : String(error)
}
