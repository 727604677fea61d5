import type { BundleStore } from '../bundle/bundle-store.js'
import { deleteRemoteCopies, downloadRemoteBundles } from './remote-bundles.js'
import { readRunnerStorage } from './runner-storage.js'
import { uploadBundle } from './upload-bundle.js'

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
  return {
    upload: (bundle, log) => uploadBundle(bundle, runner, log),
    download: (directory, modelName, token, log) =>
      downloadRemoteBundles(withToken(token), directory, modelName, log),
    deleteCopies: (bundleId, copies, token, log) =>
      deleteRemoteCopies(withToken(token), bundleId, copies, log)
  }
}
