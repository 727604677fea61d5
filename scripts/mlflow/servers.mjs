// Starts and stops real MLflow tracking servers on free loopback ports for
// the tests and the demo: one plain server and one running MLflow's
// basic-auth app. Each server gets its own state directory (SQLite stores
// and artifacts) and runs in its own process group, so stopping it also
// ends its uvicorn workers.
import { spawn } from 'node:child_process'
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'

const ROOT = path.resolve(import.meta.dirname, '../..')
const MLFLOW = path.join(ROOT, '.venv/bin/mlflow')
// A runner shared with other jobs can take minutes to import MLflow, so
// MLFLOW_TEST_HEALTH_TIMEOUT_MS may raise the wait.
const HEALTH_TIMEOUT_MS =
  Number(process.env.MLFLOW_TEST_HEALTH_TIMEOUT_MS) || 120_000

/** The admin of the basic-auth server; a test-only password. */
export const ADMIN = { username: 'admin', password: 'admin-password-for-tests' }

/** Finds a free TCP port on 127.0.0.1. */
export async function freePort() {
  const server = createServer()
  await new Promise(resolve => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address()
  await new Promise(resolve => server.close(resolve))
  return port
}

/**
 * Starts one MLflow server and waits for /health. A given `port` restarts
 * a stopped server at its old URL; its state directory is reused.
 * `authorizationFunction` replaces the basic-auth app's check of the
 * credentials, as `module:function` (see __tests__/fixtures/jwt_auth.py).
 * `healthTimeoutMs` (default 120 s) bounds the wait for /health.
 * @param {{ name: string, stateDir: string, basicAuth?: boolean,
 *           authorizationFunction?: string, port?: number,
 *           extraArgs?: string[], env?: Record<string, string>,
 *           healthTimeoutMs?: number }} options
 * @returns {Promise<{ name: string, url: string, pid: number, dir: string,
 *           log: string }>}
 */
export async function startMlflowServer(options) {
  const dir = path.join(options.stateDir, options.name)
  mkdirSync(dir, { recursive: true })
  const port = options.port ?? (await freePort())
  const log = path.join(dir, 'server.log')
  // The job runner serves GenAI features the registry does not use; it
  // would start a dozen extra processes per server.
  const env = {
    ...process.env,
    MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false',
    ...options.env
  }
  delete env.MLFLOW_TRACKING_URI
  const args = [
    'server',
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--workers',
    '2',
    '--backend-store-uri',
    `sqlite:///${path.join(dir, 'mlflow.db')}`,
    '--artifacts-destination',
    path.join(dir, 'artifacts'),
    ...(options.extraArgs ?? [])
  ]
  if (options.basicAuth) {
    args.push('--app-name', 'basic-auth')
    env.MLFLOW_AUTH_CONFIG_PATH = writeAuthConfig(
      dir,
      options.authorizationFunction
    )
    env.MLFLOW_FLASK_SERVER_SECRET_KEY = 'test-only-secret-key'
  }
  const out = openSync(log, 'a')
  const child = spawn(MLFLOW, args, {
    cwd: dir,
    env,
    detached: true,
    stdio: ['ignore', out, out]
  })
  const server = {
    name: options.name,
    url: `http://127.0.0.1:${port}`,
    pid: child.pid,
    dir,
    log
  }
  await waitForHealth(
    server,
    child,
    options.prefix ?? '',
    options.healthTimeoutMs ?? HEALTH_TIMEOUT_MS
  )
  child.unref()
  return server
}

function writeAuthConfig(dir, authorizationFunction) {
  const file = path.join(dir, 'basic_auth.ini')
  writeFileSync(
    file,
    [
      '[mlflow]',
      'default_permission = READ',
      `database_uri = sqlite:///${path.join(dir, 'basic_auth.db')}`,
      `admin_username = ${ADMIN.username}`,
      `admin_password = ${ADMIN.password}`,
      ...(authorizationFunction
        ? [`authorization_function = ${authorizationFunction}`]
        : []),
      ''
    ].join('\n')
  )
  return file
}

async function waitForHealth(server, child, prefix, timeoutMs) {
  let exited
  child.on('exit', code => {
    exited = code ?? 'signal'
  })
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      throw new Error(
        `MLflow server "${server.name}" exited with ${exited} before it ` +
          `was healthy. Its log:\n${tail(server.log)}`
      )
    }
    try {
      const response = await fetch(`${server.url}${prefix}/health`)
      if (response.ok) return
    } catch {
      // Not listening yet.
    }
    await sleep(250)
  }
  await stopMlflowServer(server)
  throw new Error(
    `MLflow server "${server.name}" was not healthy after ` +
      `${timeoutMs / 1000} s. Its log:\n${tail(server.log)}`
  )
}

function tail(file) {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n')
  } catch {
    return '(no log)'
  }
}

/**
 * Stops a server and its workers: SIGTERM to its process group, then
 * SIGKILL.
 */
export async function stopMlflowServer(server) {
  const signalGroup = signal => {
    try {
      process.kill(-server.pid, signal)
      return true
    } catch {
      return false
    }
  }
  if (!signalGroup('SIGTERM')) return
  for (let i = 0; i < 40; i++) {
    await sleep(100)
    if (!signalGroup(0)) return
  }
  signalGroup('SIGKILL')
}

/**
 * Calls the basic-auth server's REST API as the admin; `apiPath` is below
 * /api/, such as `2.0/mlflow/users/create`.
 */
export async function adminRequest(server, method, apiPath, body) {
  const auth = Buffer.from(`${ADMIN.username}:${ADMIN.password}`).toString(
    'base64'
  )
  const response = await fetch(`${server.url}/api/${apiPath}`, {
    method,
    headers: {
      authorization: `Basic ${auth}`,
      'content-type': 'application/json'
    },
    body: body === undefined ? undefined : JSON.stringify(body)
  })
  const text = await response.text()
  if (!response.ok) {
    throw new Error(`${method} ${apiPath} returned ${response.status}: ${text}`)
  }
  return text ? JSON.parse(text) : {}
}

/** Creates a user on the basic-auth server (passwords need 12+ characters). */
export async function createUser(server, username, password) {
  await adminRequest(server, 'POST', '2.0/mlflow/users/create', {
    username,
    password
  })
}

/**
 * Grants a user a permission on a registered model. MLflow 3.17 serves
 * grants at /api/3.0/mlflow/users/permissions/grant; the older
 * registered-models/permissions/create route answers 404 there.
 */
export async function grantModelPermission(server, name, username, permission) {
  await adminRequest(server, 'POST', '3.0/mlflow/users/permissions/grant', {
    username,
    resource_type: 'registered_model',
    resource_id: name,
    permission
  })
}

/**
 * Starts the plain and the basic-auth server side by side.
 * @param {string} stateDir
 */
export async function startMlflowServers(stateDir) {
  const results = await Promise.allSettled([
    startMlflowServer({ name: 'plain', stateDir }),
    startMlflowServer({ name: 'basic-auth', stateDir, basicAuth: true })
  ])
  const failure = results.find(result => result.status === 'rejected')
  if (failure) {
    // Stop the one that did start, so a failed setup leaves nothing behind.
    await Promise.all(
      results
        .filter(result => result.status === 'fulfilled')
        .map(result => stopMlflowServer(result.value))
    )
    throw failure.reason
  }
  const [plain, basicAuth] = results.map(result => result.value)
  return { plain, basicAuth, admin: ADMIN }
}
