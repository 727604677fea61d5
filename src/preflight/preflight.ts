import { z } from 'zod'

import type { Logger } from '../host/host.js'
import { HttpError } from '../http/errors.js'
import type { HttpClient } from '../http/transport.js'
import { API } from '../mlflow/api-paths.js'
import { getRegisteredModel } from '../mlflow/registry.js'
import type { RegisteredModel } from '../mlflow/schemas.js'
import { readRegistryOrExplain } from './registry-read.js'
import { checkWritePermission } from './write-permission.js'

/** What the preflight proved about the server and the credentials. */
export interface PreflightReport {
  /** Checks that passed, in words, in the order they ran. */
  readonly passed: readonly string[]
  /** The target registered model, when it exists and a name was given. */
  readonly model?: RegisteredModel
  readonly serverVersion?: string
  /** The user the server sees, where it can tell (basic-auth app). */
  readonly identity?: string
  /** What could not be verified without writing. */
  readonly notVerified: readonly string[]
  /** HTTP requests the preflight sent, retries included. */
  readonly requestCount?: number
}

const searchResponse = z.looseObject({})
const currentUserResponse = z.object({
  user: z.looseObject({
    username: z.string(),
    is_admin: z.boolean().optional()
  })
})

/**
 * The preflight of a registration, in one request: reading the target
 * model proves the server is reachable, is MLflow, has a registry and
 * accepts the credentials for reading, and the answer is needed anyway.
 * A missing model is MLflow's JSON `RESOURCE_DOES_NOT_EXIST`, which
 * proves the same.
 */
export async function checkTargetModel(
  http: HttpClient,
  modelName: string,
  log: Logger
): Promise<PreflightReport> {
  const model = await readRegistryOrExplain(http, () =>
    getRegisteredModel(http, modelName)
  )
  const tracking = await checkSeparateTracking(http)
  log.info(
    `Preflight passed: MLflow answered and accepted the credentials; ` +
      `registered model '${modelName}' ` +
      `${model ? 'exists' : 'does not exist yet'}.`
  )
  const notVerified = [
    `write permission on registered model '${modelName}': the preflight ` +
      'does not write, so the server checks it when the version is created'
  ]
  for (const item of notVerified) log.info(`Not verified: ${item}`)
  return {
    passed: [
      'tracking server reachable',
      'MLflow API at the tracking URI',
      'model registry available',
      'credentials accepted for reading',
      ...tracking
    ],
    ...(model ? { model } : {}),
    notVerified
  }
}

/**
 * Moves write permission from "not verified" to "passed" once the server
 * accepted a new version of `modelName`, which proves it.
 */
export function recordWriteProven(
  report: PreflightReport,
  modelName: string
): PreflightReport {
  const write = /^write permission\b/
  return {
    ...report,
    passed: [
      ...report.passed,
      `write permission on registered model '${modelName}' (the server ` +
        'accepted the new version)'
    ],
    notVerified: report.notVerified.filter(item => !write.test(item))
  }
}

/**
 * The full preflight of `mode: preflight`, in three or four requests: a
 * registry read (the target model, else a one-item search), the server
 * version, the identity the server sees and, on MLflow's basic-auth app
 * with a model name, the caller's own grants. It writes nothing.
 */
export async function runPreflight(
  http: HttpClient,
  modelName: string,
  log: Logger
): Promise<PreflightReport> {
  const model = await readRegistryOrExplain(http, () =>
    readRegistry(http, modelName)
  )
  const passed = [
    http.options.baseUrl.protocol === 'https:'
      ? 'tracking server reachable over verified TLS'
      : 'tracking server reachable',
    'MLflow API at the tracking URI (base path right)',
    'model registry answered',
    'credentials accepted for reading'
  ]
  if (modelName) passed.push(`read access to registered model '${modelName}'`)
  passed.push(...(await checkSeparateTracking(http)))
  const serverVersion = await readServerVersion(http)
  const identity = await readIdentity(http)
  const write =
    identity && modelName
      ? await checkWritePermission(http, modelName)
      : undefined
  if (write?.verified) passed.push(`write permission: ${write.statement}`)
  log.info(`Preflight passed: ${passed.join('; ')}.`)
  log.info(`MLflow server version: ${serverVersion ?? 'not reported'}`)
  log.info(`Authenticated as: ${identity ?? 'not reported by this server'}`)
  log.info(`Preflight sent ${http.requestCount} requests.`)
  const notVerified = write?.verified
    ? []
    : [notVerifiedWrite(modelName, write?.statement)]
  // The log, not only the report file, states that write permission was
  // not proven, so a passed preflight is not read as a promise.
  for (const item of notVerified) log.info(`Not verified: ${item}`)
  return {
    passed,
    ...(model ? { model } : {}),
    ...(serverVersion ? { serverVersion } : {}),
    ...(identity ? { identity } : {}),
    notVerified,
    requestCount: http.requestCount
  }
}

/**
 * Reads the target model, or searches for one model when no name is
 * given. Either is a registry read, so a server whose tracking API works
 * but whose registry does not fails here.
 */
async function readRegistry(
  http: HttpClient,
  modelName: string
): Promise<RegisteredModel | undefined> {
  if (modelName) return getRegisteredModel(http, modelName)
  await http.json(
    {
      method: 'GET',
      path: `${API}/registered-models/search`,
      query: { max_results: 1 },
      operation: 'search registered models',
      idempotent: true
    },
    searchResponse
  )
  return undefined
}

/**
 * Reads one experiment from the tracking server when registry calls go
 * to another server, so a run lookup or an upload cannot be the first
 * request to find the tracking server unreachable or the credentials
 * rejected there. Returns the check that passed, if one ran.
 */
async function checkSeparateTracking(http: HttpClient): Promise<string[]> {
  const registry = http.options.registry
  if (registry === undefined) return []
  await http.json(
    {
      method: 'GET',
      path: `${API}/experiments/search`,
      query: { max_results: 1 },
      operation: 'search experiments',
      idempotent: true
    },
    searchResponse
  )
  return [
    `registry server ${registry.options.baseUrl.href} and tracking ` +
      'server both answered'
  ]
}

function notVerifiedWrite(
  modelName: string,
  reason: string | undefined
): string {
  const target = modelName
    ? `write permission on registered model '${modelName}'`
    : 'write permission (no model-name given)'
  return `${target}: ${reason ?? 'the server does not report it'}`
}

async function readServerVersion(
  http: HttpClient
): Promise<string | undefined> {
  try {
    const response = await http.send({
      method: 'GET',
      path: 'version',
      operation: 'get server version',
      idempotent: true
    })
    const version = response.text.trim()
    return /^\d+\.\d+/.test(version) ? version : undefined
  } catch (error) {
    if (error instanceof HttpError) return undefined
    throw error
  }
}

/** Reads the current user from the basic-auth app; other servers have none. */
async function readIdentity(http: HttpClient): Promise<string | undefined> {
  try {
    const response = await http.json(
      {
        method: 'GET',
        path: `${API}/users/current`,
        operation: 'get current user',
        idempotent: true
      },
      currentUserResponse
    )
    const { username, is_admin: isAdmin } = response.user
    return isAdmin ? `${username} (admin)` : username
  } catch (error) {
    if (error instanceof HttpError) return undefined
    throw error
  }
}
