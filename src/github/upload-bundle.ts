import { cp, readdir, rm } from 'node:fs/promises'
import path from 'node:path'

import { DefaultArtifactClient } from '@actions/artifact'
import { saveCache } from '@actions/cache'

import type { StoredBundle } from '../bundle/bundle-store.js'
import type { WrittenBundle } from '../bundle/write-bundle.js'
import type { Logger } from '../host/host.js'
import {
  CACHE_TRANSFER_DIR,
  bundleArtifactName,
  bundleCacheKey
} from './bundle-names.js'
import { withHeartbeat } from './heartbeat.js'
import type { RunnerStorage } from './runner-storage.js'

/**
 * Uploads a bundle as a workflow artifact and saves it to the Actions
 * cache. Either store may fail: that is a warning naming the local copy,
 * never a lost registration.
 */
export async function uploadBundle(
  bundle: WrittenBundle,
  storage: RunnerStorage,
  log: Logger
): Promise<StoredBundle> {
  const artifact = await uploadArtifact(bundle, log)
  const cacheKey = await saveToCache(bundle, storage, log)
  if (!artifact || !cacheKey) {
    log.warning(
      `The registry bundle is still at ${bundle.path}, which the runner ` +
        'deletes when the job ends unless `bundle-dir` is kept. Upload it ' +
        'in a later step (actions/upload-artifact) to keep it.',
      { title: 'Registry bundle not stored on GitHub' }
    )
  }
  return {
    ...(artifact ? { artifact } : {}),
    ...(cacheKey ? { cacheKey } : {})
  }
}

async function uploadArtifact(
  bundle: WrittenBundle,
  log: Logger
): Promise<string | undefined> {
  const name = bundleArtifactName(bundle.manifest.bundleId)
  const files = await listFiles(bundle.path)
  log.info(`Uploading the bundle as artifact ${name} (${files.length} files)`)
  try {
    const client = new DefaultArtifactClient()
    const uploaded = await withHeartbeat(`Artifact ${name}`, log, () =>
      client.uploadArtifact(name, files, bundle.path)
    )
    log.info(
      `Uploaded artifact ${name} (id ${uploaded.id ?? '?'}, ` +
        `${uploaded.size ?? 0} bytes)`
    )
    return name
  } catch (error) {
    log.warning(`Uploading artifact ${name} failed: ${messageOf(error)}`, {
      title: 'Bundle artifact not uploaded'
    })
    return undefined
  }
}

async function saveToCache(
  bundle: WrittenBundle,
  storage: RunnerStorage,
  log: Logger
): Promise<string | undefined> {
  const { manifest } = bundle
  const key = bundleCacheKey(
    storage.repository,
    manifest.registration.modelName,
    manifest.bundleId
  )
  const transfer = path.join(storage.workspace, CACHE_TRANSFER_DIR)
  log.info(`Saving the bundle to the Actions cache under key ${key}`)
  try {
    await rm(transfer, { recursive: true, force: true })
    await cp(bundle.path, path.join(transfer, manifest.bundleId), {
      recursive: true,
      verbatimSymlinks: true
    })
    // saveCache reports most failures as warnings and returns -1.
    const id = await withHeartbeat(`Cache entry ${key}`, log, () =>
      saveCache([CACHE_TRANSFER_DIR], key)
    )
    if (id === -1) throw new Error('the cache service did not save it')
    log.info(`Saved cache entry ${key} (id ${id})`)
    return key
  } catch (error) {
    log.warning(`Saving cache entry ${key} failed: ${messageOf(error)}`, {
      title: 'Bundle not saved to the cache'
    })
    return undefined
  } finally {
    await rm(transfer, { recursive: true, force: true })
  }
}

async function listFiles(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true })
  return entries
    .filter(entry => entry.isFile())
    .map(entry => path.join(entry.parentPath, entry.name))
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
