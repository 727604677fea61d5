/**
 * Runs the action in-process against the real test servers, and runs the
 * Python fixtures with MLflow's own client from `.venv`.
 */
import { execFile } from 'node:child_process'
import { randomBytes, randomInt } from 'node:crypto'
import path from 'node:path'
import { promisify } from 'node:util'

import type { RunResult } from '../../src/github/outputs.js'
import { run } from '../../src/main.js'
import { RecordingHost } from './recording-host.js'
import { hostLeaks } from './secret-scan.js'
import {
  basicHeader,
  createTestUser,
  mlflowApi,
  testServers,
  uniqueModelName,
  type TestServer
} from './servers.js'

const ROOT = path.resolve(import.meta.dirname, '../..')
const PYTHON = path.join(ROOT, '.venv/bin/python')
const FIXTURES = path.join(ROOT, '__tests__/fixtures')

/** The name of a test server in {@link testServers}. */
export type ServerName = 'plain' | 'basicAuth'

/** Username and password for the basic-auth server. */
export interface Credentials {
  readonly username: string
  readonly password: string
}

/** A server to register on, with the user that registers there. */
export interface Target {
  readonly name: ServerName
  readonly server: TestServer
  /** A non-admin user on the basic-auth server, absent on the plain one. */
  readonly user?: Credentials
  /**
   * The experiment for this target's uploads. The basic-auth server gives
   * users other than an experiment's creator only READ (its default
   * permission), so an experiment shared by all tests would refuse runs.
   */
  readonly experimentName: string
}

/** Creates a target for a server, with a new user on the basic-auth one. */
export async function createTarget(name: ServerName): Promise<Target> {
  const server = testServers()[name]
  const experimentName = uniqueModelName('uploads')
  if (name === 'plain') return { name, server, experimentName }
  return {
    name,
    server,
    user: await createUniqueUser('ci-bot'),
    experimentName
  }
}

/**
 * Creates a user on the basic-auth server under a name no other test
 * file uses. Jest runs several files in one worker, each with fresh
 * module state, so `createTestUser`'s counter alone repeats names.
 */
export function createUniqueUser(role: string): Promise<Credentials> {
  return createTestUser(`${role}-${randomBytes(4).toString('hex')}`)
}

/** Builds the inputs that point the action at a target as its user. */
export function targetInputs(target: Target): Record<string, string> {
  return {
    'tracking-uri': target.server.url,
    'experiment-name': target.experimentName,
    ...(target.user
      ? { username: target.user.username, password: target.user.password }
      : {})
  }
}

/**
 * Builds the variables a GitHub Actions runner sets. The workflow run id
 * is random unless given, so each test gets its own idempotency key.
 */
export function githubEnv(runId = uniqueRunId()): NodeJS.ProcessEnv {
  return {
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'hokusai/mlflow-register',
    GITHUB_RUN_ID: runId,
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_WORKFLOW: 'integration',
    GITHUB_REF: 'refs/heads/main',
    GITHUB_SHA: '3f786850e387550fdab836ed7e6dc881de23001b',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_WORKSPACE: ROOT
  }
}

/**
 * Returns a random 12-digit workflow run id. It is random rather than
 * counted because jest starts each test file with fresh module state.
 */
export function uniqueRunId(): string {
  return String(randomInt(100_000_000_000, 999_999_999_999))
}

/** What one in-process run of the action produced. */
export interface ActionRun {
  readonly host: RecordingHost
  readonly result: RunResult
}

/** Runs the action in-process with these inputs and environment. */
export async function runAction(
  inputs: Readonly<Record<string, string>>,
  env: NodeJS.ProcessEnv = githubEnv()
): Promise<ActionRun> {
  const host = new RecordingHost(inputs, env)
  const result = await run(host)
  return { host, result }
}

/**
 * Lists, by label, every form of the secrets and of the credentials'
 * Basic auth that appears where a reader of the run could see it: logs,
 * outputs, summary, failure and bundle files. The forms are those of
 * `secretForms`: raw, percent-encoded, base64 and the `Basic` and
 * `Bearer` header values. Whether the run passed each form to
 * `setSecret` is checked by `expectHostSecretsMasked` only.
 */
export function leakedSecrets(
  host: RecordingHost,
  secrets: readonly string[],
  credentials?: Credentials
): string[] {
  return hostLeaks(host, {
    values: secrets,
    ...(credentials ? { basic: credentials } : {})
  })
}

/**
 * Calls a server's REST API with full read access: as the admin on the
 * basic-auth server, without credentials on the plain one.
 */
export function adminApi<T = Record<string, unknown>>(
  name: ServerName,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  apiPath: string,
  options: {
    readonly body?: unknown
    readonly query?: Record<string, string>
  } = {}
): Promise<T> {
  const servers = testServers()
  return mlflowApi<T>(servers[name], method, apiPath, {
    ...options,
    ...(name === 'basicAuth' ? { auth: servers.admin } : {})
  })
}

/**
 * Grants a user a permission on a registered model, as the basic-auth
 * server's admin. MLflow 3.17 serves grants at
 * `/api/3.0/mlflow/users/permissions/grant` and returns 404 for the
 * `registered-models/permissions/create` route.
 */
export function grantModelPermission(
  username: string,
  modelName: string,
  permission: 'READ' | 'EDIT' | 'MANAGE'
): Promise<void> {
  return grantPermission(username, 'registered_model', modelName, permission)
}

/**
 * Grants a user a permission on a registered model or an experiment;
 * DENY takes away what the default permission gives.
 */
export async function grantPermission(
  username: string,
  resourceType: 'registered_model' | 'experiment',
  resourceId: string,
  permission: 'READ' | 'EDIT' | 'MANAGE' | 'DENY'
): Promise<void> {
  const { basicAuth, admin } = testServers()
  const response = await fetch(
    `${basicAuth.url}/api/3.0/mlflow/users/permissions/grant`,
    {
      method: 'POST',
      headers: {
        authorization: basicHeader(admin.username, admin.password),
        'content-type': 'application/json'
      },
      body: JSON.stringify({
        username,
        resource_type: resourceType,
        resource_id: resourceId,
        permission
      })
    }
  )
  if (!response.ok) {
    throw new Error(
      `Granting ${permission} on ${resourceType} '${resourceId}' to ` +
        `'${username}' returned ${response.status}: ${await response.text()}`
    )
  }
}

/** A model version as the REST API returns it, with the fields tests read. */
export interface RestModelVersion {
  readonly name: string
  readonly version: string
  readonly source?: string
  readonly run_id?: string
  readonly description?: string
  readonly tags?: readonly { key: string; value: string }[]
}

/** Reads a model version through the REST API. */
export async function getModelVersion(
  name: ServerName,
  model: string,
  version: string
): Promise<RestModelVersion> {
  const response = await adminApi<{ model_version: RestModelVersion }>(
    name,
    'GET',
    'model-versions/get',
    { query: { name: model, version } }
  )
  return response.model_version
}

/** Lists the version numbers of a registered model, by a name search. */
export async function listVersionNumbers(
  name: ServerName,
  model: string
): Promise<string[]> {
  const response = await adminApi<{ model_versions?: RestModelVersion[] }>(
    name,
    'GET',
    'model-versions/search',
    { query: { filter: `name = '${model}'` } }
  )
  return (response.model_versions ?? [])
    .map(version => version.version)
    .sort((a, b) => Number(a) - Number(b))
}

/** Builds the environment for MLflow's Python client, pointed at a server. */
export function pythonClientEnv(
  server: TestServer,
  credentials?: Credentials
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('MLFLOW_')) env[key] = value
  }
  env.MLFLOW_TRACKING_URI = server.url
  if (credentials) {
    env.MLFLOW_TRACKING_USERNAME = credentials.username
    env.MLFLOW_TRACKING_PASSWORD = credentials.password
  }
  return env
}

/**
 * Runs a Python fixture from `__tests__/fixtures` with `.venv/bin/python`
 * and returns the last line of its standard output (MLflow prints links to
 * runs before it). A failed script fails the test with its stderr.
 */
export async function runPythonFixture(
  script: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv
): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(
      PYTHON,
      [path.join(FIXTURES, script), ...args],
      { env, cwd: ROOT, maxBuffer: 16 * 1024 * 1024 }
    )
    const lines = stdout.trim().split('\n')
    return lines[lines.length - 1] ?? ''
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? ''
    throw new Error(`${script} failed:\n${stderr.slice(-4000)}`, {
      cause: error
    })
  }
}

/** The runs that `log_runs.py` logged. */
export interface LoggedRuns {
  /** The run that logged the model with `mlflow.sklearn.log_model`. */
  readonly loggedModelRunId: string
  /** The logged model (MLflow 3) that run created. */
  readonly modelId: string
  /** The run whose artifacts hold the MLmodel directory. */
  readonly artifactsRunId: string
}

/**
 * Logs the example model twice with MLflow's client, as a logged model and
 * as run artifacts, both under `artifactPath` in a new experiment.
 */
export async function logRuns(
  server: TestServer,
  artifactPath: string,
  credentials?: Credentials
): Promise<LoggedRuns> {
  const experiment = uniqueModelName('fixtures')
  const line = await runPythonFixture(
    'log_runs.py',
    [experiment, artifactPath],
    pythonClientEnv(server, credentials)
  )
  const parsed = JSON.parse(line) as Record<string, string>
  return {
    loggedModelRunId: parsed.logged_model_run_id ?? '',
    modelId: parsed.model_id ?? '',
    artifactsRunId: parsed.artifacts_run_id ?? ''
  }
}

/** Loads a model URI with MLflow's client and returns its one prediction. */
export function predictWithMlflow(
  server: TestServer,
  modelUri: string,
  credentials?: Credentials
): Promise<string> {
  return runPythonFixture(
    'predict.py',
    [modelUri],
    pythonClientEnv(server, credentials)
  )
}
