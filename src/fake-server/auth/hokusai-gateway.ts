import type { IncomingHttpHeaders } from 'node:http'

import type { FakeResponse } from '../exchange.js'

/**
 * The Hokusai platform's admin gateway in front of its MLflow server,
 * emulated because the gateway cannot be installed here. The bodies,
 * statuses and key headers copy `hokusai_mlflow_admin_gateway.py` of
 * Hokusai-protocol/hokusai-data-pipeline (commit f4c4c38, 2026-07-21),
 * with its auth service's verdicts folded in. A key the service rejects
 * gets the gateway's 401 with the service's "Invalid or expired API key".
 */
export interface HokusaiGatewayOptions {
  /** API keys the auth service accepts, each with its admin flag. */
  readonly keys: Readonly<Record<string, { readonly registryAdmin: boolean }>>
}

/** The 403 the gateway sends to a valid key that is not a registry admin. */
export const REGISTRY_ADMIN_REQUIRED = {
  detail: 'Admin access required for the model registry',
  error: 'REGISTRY_ADMIN_REQUIRED'
} as const

/** The gateway's health paths, which it serves without a key. */
const HEALTH_PATHS = new Set(['/health', '/mlflow/health'])

/**
 * Checks one request as the gateway does; returns its refusal, or
 * undefined when the request may reach MLflow. `path` is the full path,
 * with any static prefix.
 */
export function checkHokusaiGateway(
  gateway: HokusaiGatewayOptions,
  method: string,
  path: string,
  headers: IncomingHttpHeaders
): FakeResponse | undefined {
  if (HEALTH_PATHS.has(path) || method === 'OPTIONS') return undefined
  const key = extractApiKey(headers)
  if (key === undefined) return detail(401, { detail: 'API key required' })
  const entry = gateway.keys[key]
  if (!entry) return detail(401, { detail: 'Invalid or expired API key' })
  if (!entry.registryAdmin) return detail(403, REGISTRY_ADMIN_REQUIRED)
  return undefined
}

/** Reads the key as the gateway does: Bearer, then ApiKey, then X-API-Key. */
function extractApiKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = headers.authorization ?? ''
  if (authorization.startsWith('Bearer ')) return authorization.slice(7)
  if (authorization.startsWith('ApiKey ')) return authorization.slice(7)
  const apiKey = headers['x-api-key']
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey
  return value === undefined || value === '' ? undefined : value
}

function detail(status: number, body: object): FakeResponse {
  return {
    status,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body)
  }
}
