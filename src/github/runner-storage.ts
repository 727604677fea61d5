import path from 'node:path'

/**
 * The repository, workspace and token for the runner's artifact and
 * cache services.
 */
export interface RunnerStorage {
  /** `owner/name` of the repository the job runs for. */
  readonly repository: string
  readonly workspace: string
  /** The job's token for the REST API, when one was given. */
  readonly token?: string
}

/**
 * Returns the runner's storage settings, or undefined outside a GitHub
 * Actions runner: the artifact and cache services need the runtime token
 * and results URL that only the runner sets.
 */
export function readRunnerStorage(
  env: NodeJS.ProcessEnv,
  token: string | undefined
): RunnerStorage | undefined {
  const repository = env.GITHUB_REPOSITORY
  if (!env.ACTIONS_RUNTIME_TOKEN || !env.ACTIONS_RESULTS_URL || !repository) {
    return undefined
  }
  return {
    repository,
    workspace: path.resolve(env.GITHUB_WORKSPACE ?? process.cwd()),
    ...(token ? { token } : {})
  }
}
