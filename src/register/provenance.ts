import type { Tag } from '../config/config.js'

/** Where a registration came from: the CI run that made it. */
export interface Provenance {
  readonly system: 'github-actions' | 'gitlab-ci' | 'jenkins' | 'local'
  readonly repository?: string
  readonly commit?: string
  readonly ref?: string
  readonly workflow?: string
  /** The id of the pipeline or workflow run; stable across re-runs. */
  readonly runId?: string
  readonly runAttempt?: string
  readonly runUrl?: string
}

type Env = NodeJS.ProcessEnv

/** Reads the CI context from the variables each CI system sets. */
export function readProvenance(env: Env): Provenance {
  if (env.GITHUB_ACTIONS === 'true') return readGitHub(env)
  if (env.GITLAB_CI === 'true') return readGitLab(env)
  if (env.JENKINS_URL) return readJenkins(env)
  return compact({ system: 'local', commit: env.GIT_COMMIT })
}

function readGitHub(env: Env): Provenance {
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com'
  const runUrl =
    env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID
      ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
      : undefined
  return compact({
    system: 'github-actions',
    repository: env.GITHUB_REPOSITORY,
    commit: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    workflow: env.GITHUB_WORKFLOW,
    runId: env.GITHUB_RUN_ID,
    runAttempt: env.GITHUB_RUN_ATTEMPT,
    runUrl
  })
}

function readGitLab(env: Env): Provenance {
  return compact({
    system: 'gitlab-ci',
    repository: env.CI_PROJECT_PATH,
    commit: env.CI_COMMIT_SHA,
    ref: env.CI_COMMIT_REF_NAME,
    workflow: env.CI_JOB_NAME,
    runId: env.CI_PIPELINE_ID,
    runUrl: env.CI_PIPELINE_URL
  })
}

function readJenkins(env: Env): Provenance {
  return compact({
    system: 'jenkins',
    repository: env.GIT_URL,
    commit: env.GIT_COMMIT,
    ref: env.GIT_BRANCH,
    workflow: env.JOB_NAME,
    runId: env.BUILD_NUMBER,
    runUrl: env.BUILD_URL
  })
}

function compact(value: {
  [K in keyof Provenance]: Provenance[K] | undefined
}): Provenance {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== undefined && v !== '')
  ) as unknown as Provenance
}

/** The tag that stores a version's idempotency key. */
export const IDEMPOTENCY_TAG = 'mlflow_register.idempotency_key'

/** Tags that record the provenance on the model version. */
export function provenanceTags(provenance: Provenance): Tag[] {
  const entries: [string, string | undefined][] = [
    ['ci.system', provenance.system],
    ['ci.repository', provenance.repository],
    ['ci.commit', provenance.commit],
    ['ci.ref', provenance.ref],
    ['ci.workflow', provenance.workflow],
    ['ci.run_id', provenance.runId],
    ['ci.run_attempt', provenance.runAttempt],
    ['ci.run_url', provenance.runUrl]
  ]
  return entries.flatMap(([key, value]) =>
    value === undefined ? [] : [{ key, value }]
  )
}
