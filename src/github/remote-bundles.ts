import { access, mkdir, rm } from 'node:fs/promises'
import path from 'node:path'

import { DefaultArtifactClient } from '@actions/artifact'
import { restoreCache } from '@actions/cache'
import { getOctokit } from '@actions/github'

import type { RemoteCopies } from '../bundle/bundle-store.js'
import { bundleIdSchema } from '../bundle/manifest.js'
import type { Logger } from '../host/host.js'
import {
  CACHE_TRANSFER_DIR,
  bundleCachePrefix,
  bundleIdOfArtifact,
  bundleIdOfCacheKey
} from './bundle-names.js'
import { withHeartbeat } from './heartbeat.js'
import { moveDirectory } from './move-directory.js'
import type { RunnerStorage } from './runner-storage.js'
import { countOf } from '../text/plural.js'

type Octokit = ReturnType<typeof getOctokit>

/** The REST client and the repository it works on. */
interface Repository {
  readonly octokit: Octokit
  readonly owner: string
  readonly repo: string
}

/**
 * Downloads the bundles stored in this repository's cache entries and in
 * artifacts of earlier runs into the bundle directory, where the sync
 * verifies and replays them like local ones. A bundle already there is
 * not downloaded again. Returns the remote copies by bundle id, so each
 * can be deleted once its bundle is registered.
 */
export async function downloadRemoteBundles(
  storage: RunnerStorage,
  directory: string,
  modelName: string | undefined,
  log: Logger
): Promise<Map<string, RemoteCopies>> {
  const copies = new Map<string, RemoteCopies>()
  const repository = repositoryClient(storage, log)
  if (!repository) return copies
  await mkdir(directory, { recursive: true })
  const copyOf = (bundleId: string): RemoteCopies => {
    const existing = copies.get(bundleId) ?? {}
    copies.set(bundleId, existing)
    return existing
  }

  const prefix = bundleCachePrefix(storage.repository, modelName)
  for (const key of await listCacheKeys(repository, prefix, log)) {
    const bundleId = bundleIdOfCacheKey(key)
    if (!bundleIdSchema.safeParse(bundleId).success) continue
    const restored = await restoreBundle(storage, directory, bundleId, key, log)
    if (restored) copyOf(bundleId).cacheKey = key
  }

  for (const artifact of await listBundleArtifacts(repository, log)) {
    const downloaded = await downloadBundle(
      storage,
      repository,
      directory,
      artifact,
      log
    )
    if (downloaded) copyOf(artifact.bundleId).artifactId = artifact.id
  }
  return copies
}

/**
 * Deletes the cache entry and the artifact of a registered bundle. A
 * failure is a warning: a copy left behind syncs as already registered.
 */
export async function deleteRemoteCopies(
  storage: RunnerStorage,
  bundleId: string,
  copies: RemoteCopies,
  log: Logger
): Promise<void> {
  const repository = repositoryClient(storage, log)
  if (!repository) return
  const { octokit, owner, repo } = repository
  try {
    if (copies.cacheKey) {
      await octokit.rest.actions.deleteActionsCacheByKey({
        owner,
        repo,
        key: copies.cacheKey
      })
      log.info(`Deleted cache entry ${copies.cacheKey}`)
    }
    if (copies.artifactId !== undefined) {
      await octokit.rest.actions.deleteArtifact({
        owner,
        repo,
        artifact_id: copies.artifactId
      })
      log.info(`Deleted artifact ${copies.artifactId} of bundle ${bundleId}`)
    }
  } catch (error) {
    log.warning(
      `Deleting the stored copies of bundle ${bundleId} failed: ` +
        `${messageOf(error)}. A later sync finds it already registered.`,
      { title: 'Bundle copies not deleted' }
    )
  }
}

function repositoryClient(
  storage: RunnerStorage,
  log: Logger
): Repository | undefined {
  const [owner, repo] = storage.repository.split('/')
  if (!storage.token || !owner || !repo) {
    log.info(
      'No github-token: bundles in cache entries and artifacts of earlier ' +
        'runs are not searched.'
    )
    return undefined
  }
  return { octokit: getOctokit(storage.token), owner, repo }
}

async function listCacheKeys(
  { octokit, owner, repo }: Repository,
  prefix: string,
  log: Logger
): Promise<string[]> {
  try {
    const caches = await octokit.paginate(
      octokit.rest.actions.getActionsCacheList,
      { owner, repo, key: prefix, per_page: 100 }
    )
    const keys = caches
      .map(cache => cache.key ?? '')
      .filter(key => key.startsWith(prefix))
    log.info(
      `Found ${countOf(keys.length, 'cache entry', 'cache entries')} ` +
        `with key prefix ${prefix}`
    )
    return [...new Set(keys)]
  } catch (error) {
    log.warning(
      `Listing cache entries failed: ${messageOf(error)}. The job needs ` +
        '`actions: read` permission.',
      { title: 'Cache entries not searched' }
    )
    return []
  }
}

async function restoreBundle(
  storage: RunnerStorage,
  directory: string,
  bundleId: string,
  key: string,
  log: Logger
): Promise<boolean> {
  const target = path.join(directory, bundleId)
  if (await exists(target)) return true
  const transfer = path.join(storage.workspace, CACHE_TRANSFER_DIR)
  try {
    await rm(transfer, { recursive: true, force: true })
    const matched = await withHeartbeat(`Cache entry ${key}`, log, () =>
      restoreCache([CACHE_TRANSFER_DIR], key)
    )
    if (matched !== key) {
      log.warning(`Cache entry ${key} could not be restored`, {
        title: 'Bundle not restored'
      })
      return false
    }
    await moveDirectory(path.join(transfer, bundleId), target)
    log.info(`Restored bundle ${bundleId} from cache entry ${key}`)
    return true
  } catch (error) {
    log.warning(`Restoring cache entry ${key} failed: ${messageOf(error)}`, {
      title: 'Bundle not restored'
    })
    return false
  } finally {
    await rm(transfer, { recursive: true, force: true })
  }
}

/** A bundle artifact of an earlier run. */
interface BundleArtifact {
  readonly id: number
  readonly name: string
  readonly bundleId: string
  readonly runId: number
}

async function listBundleArtifacts(
  { octokit, owner, repo }: Repository,
  log: Logger
): Promise<BundleArtifact[]> {
  try {
    const artifacts = await octokit.paginate(
      octokit.rest.actions.listArtifactsForRepo,
      { owner, repo, per_page: 100 }
    )
    const bundles = artifacts.flatMap(artifact => {
      const bundleId = bundleIdOfArtifact(artifact.name)
      const runId = artifact.workflow_run?.id
      const usable =
        bundleId !== undefined &&
        bundleIdSchema.safeParse(bundleId).success &&
        !artifact.expired &&
        runId !== undefined
      return usable
        ? [{ id: artifact.id, name: artifact.name, bundleId, runId }]
        : []
    })
    log.info(
      `Found ${countOf(bundles.length, 'bundle artifact')} of earlier runs`
    )
    return bundles
  } catch (error) {
    log.warning(
      `Listing artifacts failed: ${messageOf(error)}. The job needs ` +
        '`actions: read` permission.',
      { title: 'Artifacts not searched' }
    )
    return []
  }
}

async function downloadBundle(
  storage: RunnerStorage,
  repository: Repository,
  directory: string,
  artifact: BundleArtifact,
  log: Logger
): Promise<boolean> {
  const target = path.join(directory, artifact.bundleId)
  if (await exists(target)) return true
  const staging = path.join(directory, `.download-${artifact.bundleId}`)
  try {
    await rm(staging, { recursive: true, force: true })
    await withHeartbeat(`Artifact ${artifact.name}`, log, () =>
      new DefaultArtifactClient().downloadArtifact(artifact.id, {
        path: staging,
        findBy: {
          token: storage.token ?? '',
          workflowRunId: artifact.runId,
          repositoryOwner: repository.owner,
          repositoryName: repository.repo
        }
      })
    )
    await moveDirectory(staging, target)
    log.info(`Downloaded bundle ${artifact.bundleId} from ${artifact.name}`)
    return true
  } catch (error) {
    log.warning(
      `Downloading artifact ${artifact.name} failed: ${messageOf(error)}`,
      { title: 'Bundle not downloaded' }
    )
    return false
  } finally {
    await rm(staging, { recursive: true, force: true })
  }
}

async function exists(file: string): Promise<boolean> {
  return access(file).then(
    () => true,
    () => false
  )
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
