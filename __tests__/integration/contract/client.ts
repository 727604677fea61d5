/** A small REST client for the contract tests, on Node's fetch. */
import {
  basicHeader,
  type ContractTarget,
  type Credentials
} from './targets.js'

/** Who a call authenticates as. */
export type Caller = 'user' | 'admin' | 'anonymous' | Credentials

/** The parts of a response the contract asserts on. */
export interface Reply {
  readonly status: number
  readonly headers: Headers
  readonly text: string
  /** The parsed JSON body; undefined when the body is not JSON. */
  readonly json: Record<string, unknown> | undefined
}

/** Options of one call. */
export interface CallOptions {
  readonly query?: Readonly<Record<string, string>>
  /** Sent as JSON with `Content-Type: application/json`. */
  readonly json?: unknown
  /** Sent as is, with no `Content-Type` unless `headers` set one. */
  readonly body?: string | Uint8Array
  readonly headers?: Readonly<Record<string, string>>
  /** The target's user by default (anonymous on targets without auth). */
  readonly as?: Caller
}

/** MLflow's REST path of an endpoint below `/api/2.0/mlflow/`. */
export function api(endpoint: string): string {
  return `/api/2.0/mlflow/${endpoint}`
}

/** Calls a target and reads the whole response. */
export async function call(
  target: ContractTarget,
  method: string,
  path: string,
  options: CallOptions = {}
): Promise<Reply> {
  const url = new URL(`${target.url}${path}`)
  for (const [key, value] of Object.entries(options.query ?? {})) {
    url.searchParams.append(key, value)
  }
  const headers: Record<string, string> = { ...options.headers }
  const credentials = credentialsFor(target, options.as ?? 'user')
  if (credentials) headers.authorization = basicHeader(credentials)
  let body: string | Uint8Array | undefined = options.body
  if (options.json !== undefined) {
    headers['content-type'] ??= 'application/json'
    body = JSON.stringify(options.json)
  }
  const response = await fetch(url, {
    method,
    headers,
    ...(body === undefined ? {} : { body })
  })
  const text = await response.text()
  return {
    status: response.status,
    headers: response.headers,
    text,
    json: parseJson(text)
  }
}

function credentialsFor(
  target: ContractTarget,
  caller: Caller
): Credentials | undefined {
  if (caller === 'anonymous') return undefined
  if (caller === 'user') return target.user
  if (caller === 'admin') return target.admin
  return caller
}

function parseJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed: unknown = JSON.parse(text)
    return typeof parsed === 'object' && parsed !== null
      ? (parsed as Record<string, unknown>)
      : undefined
  } catch {
    return undefined
  }
}

/** Calls a target and fails the test unless it returns 200. */
export async function callOk(
  target: ContractTarget,
  method: string,
  path: string,
  options: CallOptions = {}
): Promise<Record<string, unknown>> {
  const reply = await call(target, method, path, options)
  if (reply.status !== 200) {
    throw new Error(
      `${method} ${path} on ${target.name} returned ${reply.status}: ` +
        reply.text
    )
  }
  return reply.json ?? {}
}
