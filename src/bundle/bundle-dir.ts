import path from 'node:path'

/**
 * Returns the bundle directory: the `bundle-dir` input, else a folder
 * under RUNNER_TEMP on a runner (outside the workspace, so no later step
 * commits or uploads it by accident), else `.mlflow-register/bundles` in
 * the workspace. RUNNER_TEMP is emptied after each job, which is why a
 * runner also uploads each bundle as an artifact and a cache entry.
 */
export function resolveBundleDir(
  directory: string | undefined,
  env: NodeJS.ProcessEnv
): string {
  if (directory) return path.resolve(directory)
  if (env.RUNNER_TEMP) {
    return path.join(env.RUNNER_TEMP, 'mlflow-register', 'bundles')
  }
  const workspace = env.GITHUB_WORKSPACE ?? process.cwd()
  return path.join(workspace, '.mlflow-register', 'bundles')
}
