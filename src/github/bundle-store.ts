import type { BundleStore } from '../bundle/bundle-store.js'
import { readRunnerStorage } from './runner-storage.js'

/**
 * Creates the bundle store of a GitHub Actions runner: workflow artifacts
 * and the Actions cache. Returns undefined outside a runner, where the
 * runtime token and results URL are missing.
 */
export function createGitHubBundleStore(
  env: NodeJS.ProcessEnv
): BundleStore | undefined {
  const runner = readRunnerStorage(env, undefined)
  if (!runner) return undefined
  const withToken = (token: string | undefined) =>
    token ? { ...runner, token } : runner
  // The artifact, cache and Octokit clients are imported on first use:
  // loading them takes longer than most registrations, and only deferred
  // registrations and syncs need them.
  return {
    upload: async (bundle, log) => {
      const { uploadBundle } = await import('./upload-bundle.js')
      return uploadBundle(bundle, runner, log)
    },
    download: async (directory, modelName, token, log) => {
      const { downloadRemoteBundles } = await import('./remote-bundles.js')
      return downloadRemoteBundles(withToken(token), directory, modelName, log)
    },
    deleteCopies: async (bundleId, copies, token, log) => {
      const { deleteRemoteCopies } = await import('./remote-bundles.js')
      return deleteRemoteCopies(withToken(token), bundleId, copies, log)
    }
  }
}
