import path from 'node:path'

/**
 * Names under which a registry bundle is stored on GitHub: an artifact
 * named after the bundle, and a cache entry whose key starts with a
 * prefix per repository and model, so a later run finds it by prefix.
 */

const PREFIX = 'mlflow-register-bundle-'

/**
 * The workspace folder that a bundle passes through on its way into and
 * out of the Actions cache. @actions/cache keys an entry's version on the
 * path strings it is given and stores paths relative to the workspace,
 * so this path is the same relative string in every run.
 * NOTE: @actions/cache globs the path from the working directory but
 * archives it relative to GITHUB_WORKSPACE; both agree only when the
 * action runs in the workspace, as the runner starts it.
 */
export const CACHE_TRANSFER_DIR = '.mlflow-register/transfer'

/** Returns the artifact name of a bundle. */
export function bundleArtifactName(bundleId: string): string {
  return `${PREFIX}${bundleId}`
}

/** Returns the bundle id of an artifact name, or undefined for others. */
export function bundleIdOfArtifact(name: string): string | undefined {
  return name.startsWith(PREFIX) ? name.slice(PREFIX.length) : undefined
}

/**
 * Returns the cache key prefix of a repository's bundles, narrowed to one
 * model when a name is given. Commas are not allowed in cache keys.
 */
export function bundleCachePrefix(
  repository: string,
  modelName?: string
): string {
  const parts = [repository, ...(modelName ? [modelName] : [])]
  const safe = parts.map(part => part.replace(/[,\s]+/g, '_'))
  return `${PREFIX}${safe.join('/')}/`
}

/** Returns the cache key of one bundle. */
export function bundleCacheKey(
  repository: string,
  modelName: string,
  bundleId: string
): string {
  return `${bundleCachePrefix(repository, modelName)}${bundleId}`
}

/** Returns the bundle id at the end of a cache key. */
export function bundleIdOfCacheKey(key: string): string {
  return path.posix.basename(key)
}
