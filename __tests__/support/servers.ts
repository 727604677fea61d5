/**
 * Typed access to the real MLflow servers that the global setup started,
 * and REST helpers for arranging users, permissions and models in tests.
 */

/** One running MLflow server. */
export interface TestServer {
  readonly name: string
  readonly url: string
  readonly pid: number
  readonly dir: string
  readonly log: string
}

/** The servers of this test run. */
export interface TestServers {
  readonly plain: TestServer
  readonly basicAuth: TestServer
  readonly admin: { readonly username: string; readonly password: string }
}

/** Returns the servers; fails the test when the global setup did not run. */
export function testServers(): TestServers {
  const raw = process.env.MLFLOW_TEST_SERVERS
  if (!raw) {
    throw new Error(
      'MLFLOW_TEST_SERVERS is not set: the MLflow servers were not started ' +
        '(run the tests with `npm test`).'
    )
  }
  return JSON.parse(raw) as TestServers
}

/** Builds a Basic `Authorization` header value. */
export function basicHeader(username: string, password: string): string {
  return `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`
}

/** Calls MLflow's REST API and returns the parsed JSON; throws on failure. */
export async function mlflowApi<T = Record<string, unknown>>(
  server: TestServer,
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  options: {
    readonly body?: unknown
    readonly query?: Record<string, string>
    readonly auth?: { readonly username: string; readonly password: string }
  } = {}
): Promise<T> {
  const url = new URL(`${server.url}/api/2.0/mlflow/${path}`)
  for (const [key, value] of Object.entries(options.query ?? {})) {
    url.searchParams.set(key, value)
  }
  const headers: Record<string, string> = {}
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (options.auth) {
    headers.authorization = basicHeader(
      options.auth.username,
      options.auth.password
    )
  }
  const response = await fetch(url, {
    method,
    headers,
    ...(options.body === undefined
      ? {}
      : { body: JSON.stringify(options.body) })
  })
  const text = await response.text()
  if (!response.ok) {
    throw new Error(`${method} ${path} returned ${response.status}: ${text}`)
  }
  return (text ? JSON.parse(text) : {}) as T
}

/** Calls the basic-auth server's REST API as its admin. */
export function asAdmin<T = Record<string, unknown>>(
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
  path: string,
  options: {
    readonly body?: unknown
    readonly query?: Record<string, string>
  } = {}
): Promise<T> {
  const servers = testServers()
  return mlflowApi<T>(servers.basicAuth, method, path, {
    ...options,
    auth: servers.admin
  })
}

/** A suffix unique across test files, which share workers and servers. */
function uniqueSuffix(): string {
  return (
    `${process.pid}-${Date.now().toString(36)}-` +
    Math.random().toString(36).slice(2, 8)
  )
}

/**
 * Creates a user with a unique name on the basic-auth server and returns
 * its credentials. Passwords are 12+ characters, as MLflow requires.
 */
export async function createTestUser(
  prefix = 'ci-bot'
): Promise<{ username: string; password: string }> {
  const username = `${prefix}-${uniqueSuffix()}`
  const password = `pw-${username}-${Math.random().toString(36).slice(2, 10)}`
  await asAdmin('POST', 'users/create', { body: { username, password } })
  return { username, password }
}

/** A registered model name no other test uses. */
export function uniqueModelName(prefix = 'model'): string {
  return `${prefix}-${uniqueSuffix()}`
}
